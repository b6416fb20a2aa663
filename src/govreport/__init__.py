"""govreport: Chinese government information-disclosure annual reports to validated data."""

__version__ = "0.1.0"
