"""Hashed word, word-bigram and character n-gram features, computed on UTF-8 bytes.

Written once and used both in TorchScript (inside the shipped model) and in eager Python
(training features come from the scripted copy, tests compare the two). TorchScript iterates a
`str` as UTF-8 bytes while Python iterates code points, so everything here works on byte
values: both modes see the same bytes, hence the same features, for any text (emoji, CJK).
String methods (`lower`, `split`) are avoided for the same reason: in TorchScript they are
ASCII-only or fail on multi-byte characters.

TorchScript cannot read module-level constants, so the few magic numbers are literals with a
comment where they are used.
"""

import torch


def utf8_bytes(text: str) -> list[int]:
    if torch.jit.is_scripting():
        return [ord(byte) for byte in text]
    return list(text.encode("utf-8"))


def is_word_byte(byte: int) -> bool:
    """ASCII letters, digits and apostrophes, and every byte of a non-ASCII character."""
    return (
        byte >= 128
        or (48 <= byte <= 57)  # 0-9
        or (65 <= byte <= 90)  # A-Z
        or (97 <= byte <= 122)  # a-z
        or byte == 39  # '
    )


def ascii_lower(byte: int) -> int:
    return byte + 32 if 65 <= byte <= 90 else byte


def words_of(text: str) -> list[list[int]]:
    """Lower-cased words as byte lists; anything that is not a word byte separates words."""
    words: list[list[int]] = []
    current: list[int] = []
    for byte in utf8_bytes(text):
        if is_word_byte(byte):
            current.append(ascii_lower(byte))
        elif len(current) > 0:
            words.append(current)
            current = []
    if len(current) > 0:
        words.append(current)
    return words


def fnv1a(state: int, value: int) -> int:
    """One step of 32-bit FNV-1a (prime 16777619); exact in TorchScript's 64-bit ints."""
    return ((state ^ value) * 16777619) & 0xFFFFFFFF


def hash_start(family: int) -> int:
    """FNV offset basis mixed with a feature family, so families hash apart."""
    return fnv1a(2166136261, family)


def hash_sequence(family: int, values: list[int]) -> int:
    state = hash_start(family)
    for value in values:
        state = fnv1a(state, value)
    return state


def char_ngram_hashes(word: list[int], min_n: int, max_n: int) -> list[int]:
    """Hashes of every n-gram (min_n <= n <= max_n) of the word framed by boundary markers.

    The markers (fastText's "<" and ">") are 256 and 257: outside the byte range, so they
    never collide with a real character.
    """
    framed = [256]
    framed.extend(word)
    framed.append(257)
    hashes: list[int] = []
    for start in range(len(framed)):
        state = hash_start(3)  # family 3: character n-grams
        for end in range(start, min(start + max_n, len(framed))):
            state = fnv1a(state, framed[end])
            if end - start + 1 >= min_n:
                hashes.append(state)
    return hashes


def feature_hashes(text: str, min_n: int, max_n: int) -> list[int]:
    """32-bit hashes of the text's words, adjacent word pairs and character n-grams."""
    hashes: list[int] = []
    previous = -1
    for word in words_of(text):
        word_hash = hash_sequence(1, word)  # family 1: words
        hashes.append(word_hash)
        if previous >= 0:
            hashes.append(hash_sequence(2, [previous, word_hash]))  # family 2: word pairs
        previous = word_hash
        hashes.extend(char_ngram_hashes(word, min_n, max_n))
    return hashes


def featurize(
    texts: list[str], num_buckets: int, min_n: int, max_n: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """EmbeddingBag input for a batch: bucket ids of all texts, and where each text starts."""
    ids: list[int] = []
    offsets: list[int] = []
    for text in texts:
        offsets.append(len(ids))
        for feature in feature_hashes(text, min_n, max_n):
            ids.append(feature % num_buckets)
    return (
        torch.tensor(ids, dtype=torch.long),
        torch.tensor(offsets, dtype=torch.long),
    )
