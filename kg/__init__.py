"""Migration Knowledge Graph: policy documents about international migration turned into an
OWL 2 DL knowledge graph whose every fact points back to the passage that states it."""

__version__ = "0.1.0"
