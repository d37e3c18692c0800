"""The demo sentiment model: hashed n-gram features, an EmbeddingBag classifier, ONNX serving."""
