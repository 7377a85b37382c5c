"""The Qt layer: widgets, models and the worker thread. Never calls boto3 directly."""
