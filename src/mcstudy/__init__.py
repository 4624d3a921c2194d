"""mcstudy: put claims about multichannel and omnichannel customer contact to the test."""

__version__ = "0.1.0"

__all__ = ["__version__"]
