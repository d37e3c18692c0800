"""Model-agnostic serving helpers: artifact versions, ONNX Runtime sessions, a torch adapter."""
