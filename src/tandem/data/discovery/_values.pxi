# Included by _core.pyx: judges of self-identifying values and their validators (values.py, validators/).

# validators.network.is_email on text[start:end] (ASCII).
cdef bint email_ok(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    cdef Py_ssize_t at_sign = end - 1
    cdef Py_ssize_t i, dot
    cdef ch_t c, previous
    while at_sign >= start and at(t, at_sign) != 64:
        at_sign -= 1
    if at_sign <= start or at_sign - start > 64:
        return False
    if at(t, start) == 46 or at(t, at_sign - 1) == 46:
        return False
    for i in range(start + 1, at_sign):
        if at(t, i) == 46 and at(t, i - 1) == 46:
            return False
    # Domain: at least two labels, none empty, no hyphen at either end of the domain or next to a dot.
    if at_sign + 1 >= end:
        return False
    dot = -1
    previous = 46  # as if a dot preceded the domain: an empty first label is caught below
    for i in range(at_sign + 1, end):
        c = at(t, i)
        if c == 46:
            if previous == 46 or previous == 45:
                return False
            dot = i
        elif c == 45 and previous == 46:
            return False
        previous = c
    if dot < 0 or previous == 46 or previous == 45 or at(t, at_sign + 1) == 45:
        return False
    if end - dot - 1 < 2:
        return False
    for i in range(dot + 1, end):
        if not is_alpha(at(t, i)):
            return False
    return True


# validators.phone: the digits of a value and the NANP rule.
cdef int digits_of(Text *t, Py_ssize_t start, Py_ssize_t end, char *out) noexcept nogil:
    cdef int count = 0
    cdef Py_ssize_t i
    cdef ch_t c
    for i in range(start, end):
        c = at(t, i)
        if is_digit(c):
            if count < 64:
                out[count] = <char>c
            count += 1
    return count


cdef inline bint nanp_ok(const char *d) noexcept nogil:
    return d[0] >= 50 and d[3] >= 50 and not (d[1] == 49 and d[2] == 49)


cdef bint window_has(Text *t, Py_ssize_t low, Py_ssize_t high, bytes word) except -1:
    # `word in text[low:high].lower()` on ASCII text.
    cdef const char *w = word
    cdef Py_ssize_t size = len(word), i, k
    cdef ch_t c
    for i in range(low, high - size + 1):
        for k in range(size):
            c = at(t, i + k)
            if c >= 65 and c <= 90:
                c += 32
            if c != <ch_t>(<unsigned char>w[k]):
                break
        else:
            return True
    return False


cdef object _ipv4(Detector core, str text, Text *t, Candidate *c, layout, rule):
    cdef Py_ssize_t start = c.start, end = c.ends[0]
    if not ipv4_ok(t, start, end) or _version_word(core, text, t, start):
        return None
    if not _not_reference(core, text, t, start, layout):
        return None
    return core.made(core.t_ip, start, end, 0.85, rule)


cdef object _phone(Detector core, str text, Text *t, Candidate *c, layout, rule):
    cdef Py_ssize_t start = c.start, end = 0
    cdef int k
    cdef bint ok = False
    for k in range(c.count):
        end = c.ends[k]
        if _phone_ok(core, t, start, end):
            ok = True
            break
    if not ok or _version_word(core, text, t, start):
        return None
    key = _field(core, text, t, start, layout)
    if key is not None and core.is_non_pii_key(key):
        return None
    confidence = 0.9 if key is not None and core.type_for_key(key) is core.t_phone else 0.7
    return core.made(core.t_phone, start, end, confidence, rule)


cdef bint _phone_ok(Detector core, Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    # validators.phone.is_phone on ASCII text.
    cdef char digits[72]
    cdef int count = digits_of(t, start, end, digits)
    cdef const char *d = digits
    cdef int i
    cdef unsigned int seen = 0
    if count > 64:
        return False
    if at(t, start) == 43:
        if count and digits[0] == 49:
            return count == 11 and nanp_ok(d + 1)
        if not 8 <= count <= 15:
            return False
        return bool(core.international_ok("+" + digits[:count].decode("ascii")))
    if count == 11 and digits[0] == 49:
        d = digits + 1
        count = 10
    if count != 10 or not nanp_ok(d):
        return False
    for i in range(10):
        seen |= 1u << (d[i] - 48)
    # More than two distinct digits (len(set(digits)) > 2).
    return (seen & (seen - 1)) & ((seen & (seen - 1)) - 1) != 0


cdef object _ssn(Detector core, str text, Text *t, Candidate *c, layout, rule, bint spaced):
    cdef Py_ssize_t start = c.start, end = c.ends[0]
    cdef Py_ssize_t low = start - 40 if start > 40 else 0
    cdef char digits[72]
    cdef int count
    if not ascii_range(t, low, start):
        return core._python_judge(text, c, layout)
    key = _field(core, text, t, start, layout)
    keyed = core.type_for_key(key) if key is not None else None
    count = digits_of(t, start, end, digits)
    if keyed is core.t_itin or window_has(t, low, start, b"itin") or window_has(t, low, start, b"taxpayer"):
        if count == 9 and digits[0] == 57 and ((digits[3] - 48) * 10 + digits[4] - 48) in core.itin_groups:
            return core.made(core.t_itin, start, end, 0.85, rule)
    if not _ssn_ok(core, digits, count) or (key is not None and core.is_non_pii_key(key)):
        return None
    if keyed is core.t_ssn or window_has(t, low, start, b"ssn") or window_has(t, low, start, b"social security") \
            or window_has(t, low, start, b"soc sec") or window_has(t, low, start, b"soc. sec"):
        confidence = 0.95
    else:
        confidence = 0.7
    if spaced and confidence < 0.9:
        confidence = 0.45
    return core.made(core.t_ssn, start, end, confidence, rule)


cdef bint _ssn_ok(Detector core, char *d, int count) except -1:
    # validators.ids.is_ssn and ssn_ok on the value's digits (the pattern allows only digits, `-`, ` `).
    cdef int i
    cdef bint same = True
    if count != 9:
        return False
    for i in range(1, 9):
        if d[i] != d[0]:
            same = False
            break
    if same:
        return False
    if (d[0] == 48 and d[1] == 48 and d[2] == 48) or (d[0] == 54 and d[1] == 54 and d[2] == 54) or d[0] == 57:
        return False
    if d[3] == 48 and d[4] == 48:
        return False
    if d[5] == 48 and d[6] == 48 and d[7] == 48 and d[8] == 48:
        return False
    return d[:9].decode("ascii") not in core.retired_ssns


cdef bint _iban_ok(Detector core, Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    # validators.iban.is_iban on ASCII text: country length, check digits, mod-97 of the rearranged form.
    cdef char compact[80]
    cdef int count = 0, i, remainder = 0
    cdef ch_t c
    cdef Py_ssize_t p
    for p in range(start, end):
        c = at(t, p)
        if c == 32:
            continue
        if count >= 79:
            return False
        if c >= 97 and c <= 122:
            c -= 32
        compact[count] = <char>c
        count += 1
    if count < 4:
        return False
    expected = core.iban_lengths.get(compact[:2].decode("ascii"))
    if expected is None or expected != count:
        return False
    if not (is_digit(compact[2]) and is_digit(compact[3])):
        return False
    for i in range(count):
        if not (is_digit(compact[i]) or is_upper(compact[i])):
            return False
    for i in range(count):
        c = compact[(i + 4) % count]
        if is_digit(c):
            remainder = (remainder * 10 + (c - 48)) % 97
        else:
            remainder = (remainder * 100 + (c - 55)) % 97
    return remainder == 1
