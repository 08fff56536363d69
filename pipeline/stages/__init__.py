"""One module per stage; FACTORIES maps the names used in configs/ to factories."""

from .attribution import AttributionStage
from .dates import DatesStage
from .entities import EntitiesStage
from .events import EventsStage
from .facts import FactsStage
from .normalise import NormaliseStage
from .numbers import NumbersStage
from .parse import ParseStage
from .sentences import SentencesStage

FACTORIES = {
    "normalise": NormaliseStage,
    "parse": ParseStage,
    "sentences": SentencesStage,
    "entities": EntitiesStage,
    "dates": DatesStage,
    "numbers": NumbersStage,
    "facts": FactsStage,
    "attribution": AttributionStage,
    "events": EventsStage,
}
