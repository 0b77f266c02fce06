"""bantin: a static-site generator for Vietnamese campaign bulletins."""

__version__ = "0.1.0"
