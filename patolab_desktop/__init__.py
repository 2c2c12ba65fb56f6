"""PatoLab Desktop: front desk of a clinical and pathology laboratory."""

__version__ = "0.1.0"
APP_NAME = "PatoLab Desktop"
APP_AUTHOR = "PatoLab"
