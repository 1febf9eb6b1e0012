"""Engine implementations of the :class:`~qiao.engines.translate.base.Translator` protocol."""
