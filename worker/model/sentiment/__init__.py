"""The demo sentiment model: corpus, byte tokenizer, network, fitting, measurements and card."""
