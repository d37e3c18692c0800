"""Hashed word, word-bigram and character n-gram features, computed on UTF-8 bytes.

Plain Python (numpy only for the output arrays), shared by the build (training features) and
the predictor (serving), so both see the same ids for any text. The features are those of the
TorchScript tokenizer this model first shipped with: the same bytes, hashes and buckets.
"""

import numpy as np

FNV_OFFSET_BASIS = 2166136261
FNV_PRIME = 16777619
MASK_32 = 0xFFFFFFFF
# fastText's "<" and ">" word boundary markers, outside the byte range so no byte collides.
WORD_START, WORD_END = 256, 257
# Feature families hash apart by mixing their number into the start state.
WORD_FAMILY, WORD_PAIR_FAMILY, CHAR_NGRAM_FAMILY = 1, 2, 3
APOSTROPHE = ord("'")


def is_word_byte(byte: int) -> bool:
    """ASCII letters, digits and apostrophes, and every byte of a non-ASCII character."""
    return byte >= 128 or chr(byte).isalnum() or byte == APOSTROPHE


# One lookup per byte instead of a function call: the tokenizer is most of a batch's time.
WORD_BYTE = tuple(is_word_byte(byte) for byte in range(256))
LOWER = tuple(byte + 32 if 65 <= byte <= 90 else byte for byte in range(256))


def utf8_bytes(text: str) -> bytes:
    # surrogatepass: JSON can carry a lone surrogate; it still gets (meaningless) features
    # instead of an exception in the middle of a batch.
    return text.encode("utf-8", "surrogatepass")


def words_of(text: str) -> list[list[int]]:
    """Lower-cased words as byte lists; anything that is not a word byte separates words."""
    words: list[list[int]] = []
    current: list[int] = []
    for byte in utf8_bytes(text):
        if WORD_BYTE[byte]:
            current.append(LOWER[byte])
        elif current:
            words.append(current)
            current = []
    if current:
        words.append(current)
    return words


def fnv1a(state: int, value: int) -> int:
    return ((state ^ value) * FNV_PRIME) & MASK_32


def hash_start(family: int) -> int:
    return fnv1a(FNV_OFFSET_BASIS, family)


def hash_sequence(family: int, values: list[int]) -> int:
    state = hash_start(family)
    for value in values:
        state = fnv1a(state, value)
    return state


def char_ngram_hashes(word: list[int], min_n: int, max_n: int) -> list[int]:
    """Hashes of every n-gram (min_n <= n <= max_n) of the word framed by boundary markers."""
    framed = [WORD_START, *word, WORD_END]
    start_state = hash_start(CHAR_NGRAM_FAMILY)
    hashes: list[int] = []
    for start in range(len(framed)):
        state = start_state
        for end in range(start, min(start + max_n, len(framed))):
            state = ((state ^ framed[end]) * FNV_PRIME) & MASK_32
            if end - start + 1 >= min_n:
                hashes.append(state)
    return hashes


def feature_hashes(text: str, min_n: int, max_n: int) -> list[int]:
    """32-bit hashes of the text's words, adjacent word pairs and character n-grams."""
    hashes: list[int] = []
    previous = -1
    for word in words_of(text):
        word_hash = hash_sequence(WORD_FAMILY, word)
        hashes.append(word_hash)
        if previous >= 0:
            hashes.append(hash_sequence(WORD_PAIR_FAMILY, [previous, word_hash]))
        previous = word_hash
        hashes.extend(char_ngram_hashes(word, min_n, max_n))
    return hashes


def featurize(
    texts: list[str], num_buckets: int, min_n: int, max_n: int
) -> tuple[np.ndarray, np.ndarray]:
    """EmbeddingBag input for a batch: bucket ids of all texts (int64), and where each starts."""
    ids: list[int] = []
    offsets: list[int] = []
    for text in texts:
        offsets.append(len(ids))
        ids.extend(feature % num_buckets for feature in feature_hashes(text, min_n, max_n))
    return np.array(ids, dtype=np.int64), np.array(offsets, dtype=np.int64)
