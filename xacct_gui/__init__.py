"""xacct — a colour-coded AWS role switcher with an S3 bucket view."""

__version__ = "0.1.0"
APP_ID = "io.github.xacct.XacctGui"
APP_NAME = "xacct"
