# Included by _core.pyx: checksums and shapes of identifiers (cards, IP addresses, US ids, GitHub tokens).

# validators.cards: issuer ranges (low, high, digits compared) and allowed lengths as bit masks.
cdef int CARD_RANGES[16][4]


cdef unsigned int CARD_LENGTHS[16]


_ranges = (
    (4, 4, 1, (13, 16, 19)), (51, 55, 2, (16,)), (2221, 2720, 4, (16,)), (34, 34, 2, (15,)), (37, 37, 2, (15,)),
    (6011, 6011, 4, (16, 17, 18, 19)), (644, 649, 3, (16, 17, 18, 19)), (65, 65, 2, (16, 17, 18, 19)),
    (3528, 3589, 4, (16, 17, 18, 19)), (300, 305, 3, (14, 15, 16, 17, 18, 19)),
    (3095, 3095, 4, (14, 15, 16, 17, 18, 19)), (36, 36, 2, (14, 15, 16, 17, 18, 19)),
    (38, 39, 2, (14, 15, 16, 17, 18, 19)), (62, 62, 2, (16, 17, 18, 19)), (81, 81, 2, (16, 17, 18, 19)),
    (2200, 2204, 4, (16, 17, 18, 19)),
)


for _i, (_low, _high, _width, _lengths) in enumerate(_ranges):
    CARD_RANGES[_i][0] = _low
    CARD_RANGES[_i][1] = _high
    CARD_RANGES[_i][2] = _width
    CARD_LENGTHS[_i] = 0
    for _length in _lengths:
        CARD_LENGTHS[_i] |= 1u << _length


def card_ranges():
    """Return the issuer table compiled in, for the test that it matches validators.cards."""
    return [(CARD_RANGES[i][0], CARD_RANGES[i][1], CARD_RANGES[i][2],
             tuple(n for n in range(32) if CARD_LENGTHS[i] >> n & 1)) for i in range(16)]


cdef bint card_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # validators.cards.is_card on ASCII text: digits (spaces and dashes dropped), 13-19, brand, Luhn.
    cdef char digits[24]
    cdef int count = 0, i, prefix, total = 0, value
    cdef bint same = True
    cdef ch_t c
    cdef Py_ssize_t p
    for p in range(start, end):
        c = at(t, p)
        if c == 32 or c == 45:
            continue
        if not is_digit(c) or count >= 19:
            return False
        digits[count] = <char>c
        count += 1
    if count < 13:
        return False
    for i in range(1, count):
        if digits[i] != digits[0]:
            same = False
            break
    if same:
        return False
    for i in range(16):
        if not (CARD_LENGTHS[i] >> count & 1):
            continue
        prefix = 0
        for p in range(CARD_RANGES[i][2]):
            prefix = prefix * 10 + digits[p] - 48
        if CARD_RANGES[i][0] <= prefix <= CARD_RANGES[i][1]:
            break
    else:
        return False
    for i in range(count):
        value = digits[count - 1 - i] - 48
        if i & 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


cdef bint ipv4_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # validators.network.is_ipv4: four parts 0-255, no leading zeros, first part not 0.
    cdef int parts = 0, width = 0, value = 0
    cdef bint leading_zero = False, first_zero = False
    cdef Py_ssize_t p
    cdef ch_t c
    for p in range(start, end + 1):
        c = at(t, p) if p < end else 46
        if c == 46:
            if width == 0 or width > 3 or value > 255 or (leading_zero and width > 1):
                return False
            if parts == 0 and width == 1 and value == 0:
                first_zero = True
            parts += 1
            width = 0
            value = 0
            leading_zero = False
        elif is_digit(c):
            if width == 0 and c == 48:
                leading_zero = True
            value = value * 10 + (c - 48)
            width += 1
        else:
            return False
    return parts == 4 and not first_zero


cdef bint ipv6_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # validators.network.is_ipv6 and _hextets_ok for values of hex digits and colons.
    cdef int colons = 0, parts, skips = 0, skip = -1, high, low, index, width
    cdef bint double_colon = False, first_empty, last_empty
    cdef Py_ssize_t p
    cdef ch_t c
    cdef int lengths[16]
    for p in range(start, end):
        c = at(t, p)
        if c == 58:
            colons += 1
            if p > start and at(t, p - 1) == 58:
                double_colon = True
        elif not is_hex(c):
            return False  # the pattern allows only hex digits and colons; anything else is not this path
    if colons < 2 or (not double_colon and colons != 7):
        return False
    parts = colons + 1
    if parts < 3 or parts > 9:
        return False
    index = 0
    width = 0
    for p in range(start, end + 1):
        c = at(t, p) if p < end else 58
        if c == 58:
            lengths[index] = width
            index += 1
            width = 0
        else:
            width += 1
    for index in range(1, parts - 1):
        if lengths[index] == 0:
            skips += 1
            if skip < 0:
                skip = index
    if skips > 1:
        return False
    first_empty = lengths[0] == 0
    last_empty = lengths[parts - 1] == 0
    if skips:
        high = skip
        low = parts - skip - 1
        if first_empty:
            high -= 1
            if high:
                return False
        if last_empty:
            low -= 1
            if low:
                return False
        if high + low > 7:
            return False
    elif parts != 8 or first_empty or last_empty:
        return False
    for index in range(parts):
        if lengths[index] > 4:
            return False
    return True


cdef bint only_ssn_chars(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # validators.ids.is_ssn drops only `-` and ` `: any other non-digit makes it no SSN.
    cdef Py_ssize_t i
    cdef ch_t c
    for i in range(start, end):
        c = at(t, i)
        if not (is_digit(c) or c == 45 or c == 32):
            return False
    return True


cdef bint passport_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # validators.ids.is_passport on ASCII: `[A-Z]?\d{8}|\d{9}` and more than two distinct characters.
    cdef Py_ssize_t size = end - start, i
    if size == 9:
        if not (is_upper(at(t, start)) or is_digit(at(t, start))):
            return False
        i = start + 1
    elif size == 8:
        i = start
    else:
        return False
    while i < end:
        if not is_digit(at(t, i)):
            return False
        i += 1
    return distinct_over_two(t, start, end)


cdef bint mrn_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # validators.ids.is_mrn on ASCII: `(?:[A-Z]{1,4}[-:]?)?\d{5,12}` and more than two distinct characters.
    cdef Py_ssize_t i = start, letters, digits
    while i < end and is_upper(at(t, i)):
        i += 1
    letters = i - start
    if letters > 4:
        return False
    if letters and i < end and (at(t, i) == 45 or at(t, i) == 58):
        i += 1
    digits = end - i
    if not 5 <= digits <= 12:
        return False
    while i < end:
        if not is_digit(at(t, i)):
            return False
        i += 1
    return distinct_over_two(t, start, end)


cdef bint distinct_over_two(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # len(set(value)) > 2
    cdef ch_t first = at(t, start), second = 0, c
    cdef bint has_second = False
    cdef Py_ssize_t i
    for i in range(start + 1, end):
        c = at(t, i)
        if c == first or (has_second and c == second):
            continue
        if has_second:
            return True
        second = c
        has_second = True
    return False


# validators.secrets.github_checksum_ok: the last six characters are the base62 CRC32 of the 30 before them.
cdef unsigned int CRC_TABLE[256]


cdef unsigned int _crc


for _i in range(256):
    _crc = _i
    for _k in range(8):
        _crc = (_crc >> 1) ^ 0xEDB88320u if _crc & 1 else _crc >> 1
    CRC_TABLE[_i] = _crc


cdef const char *BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


cdef bint github_checksum_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # ASCII token `gh?_` + 30 random characters + 6 checksum characters.
    cdef unsigned int crc = 0xFFFFFFFFu
    cdef unsigned long long number
    cdef Py_ssize_t i, body = start + 4
    if end - body != 36:
        return False
    for i in range(body, body + 30):
        crc = CRC_TABLE[(crc ^ at(t, i)) & 0xFF] ^ (crc >> 8)
    number = crc ^ 0xFFFFFFFFu
    for i in range(end - 1, end - 7, -1):
        if <ch_t>BASE62[number % 62] != at(t, i):
            return False
        number //= 62
    return True
