"""One module per stage; FACTORIES maps the names used in configs/ to factories."""

from .dates import DatesStage
from .entities import EntitiesStage
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
}
