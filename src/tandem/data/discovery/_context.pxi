# Included by _core.pyx: field names and cells around a value (context.py, layout.Layout lookups).

cdef bint layout_in_cell(layout, Py_ssize_t offset) except -1:
    # layout.Layout.in_cell.
    cdef list starts = layout._starts
    cdef Py_ssize_t low = 0, high = len(starts), middle, slot
    if not high:
        return False
    while low < high:
        middle = (low + high) >> 1
        if offset < <Py_ssize_t>starts[middle]:
            high = middle
        else:
            low = middle + 1
    slot = low - 1
    return slot >= 0 and offset <= <Py_ssize_t>layout._ends[slot]


cdef object layout_key_at(layout, Py_ssize_t offset):
    # layout.Layout.key_at: bisect over the cells' starts.
    cdef list starts = layout._starts
    cdef Py_ssize_t low = 0, high = len(starts), middle, slot
    if not high:
        return None
    while low < high:
        middle = (low + high) >> 1
        if offset < <Py_ssize_t>starts[middle]:
            high = middle
        else:
            low = middle + 1
    slot = low - 1
    if slot >= 0 and offset <= <Py_ssize_t>layout._ends[slot]:
        return layout._keys[slot]
    return None


cdef Py_ssize_t key_name_before(Text *t, Py_ssize_t low, Py_ssize_t end, Py_ssize_t *name_end) noexcept nogil:
    # context._KEY_BEFORE_REVERSED read forwards on ASCII text[low:end]: the name, an optional quote and up to
    # three blanks, `:` or `=`, up to three blanks and an optional quote. The name is the longest run of at most
    # 61 `[\w.-]` characters whose first is `[A-Za-z_]` (the regex's greedy run, given back until that holds).
    # Returns the name's start (its end in name_end), or -1.
    cdef Py_ssize_t p = end, count, run, size
    if p > low and is_quote(at(t, p - 1)):
        p -= 1
    count = 0
    while count < 3 and p > low and unicode_isspace(<Py_UCS4>at(t, p - 1)):
        p -= 1
        count += 1
    if not (p > low and (at(t, p - 1) == 58 or at(t, p - 1) == 61)):
        return -1
    p -= 1
    count = 0
    while count < 3 and p > low and unicode_isspace(<Py_UCS4>at(t, p - 1)):
        p -= 1
        count += 1
    if p > low and is_quote(at(t, p - 1)):
        p -= 1
    run = 0
    while run < 60 and p - 1 - run >= low and is_name_char(at(t, p - 1 - run)):
        run += 1
    size = run
    while size >= 0:
        if p - 1 - size >= low and (is_alpha(at(t, p - 1 - size)) or at(t, p - 1 - size) == 95):
            name_end[0] = p
            return p - 1 - size
        size -= 1
    return -1


# values._field: the column of the cell holding `start`, else the field name written before it.
cdef object _field(Detector core, str text, Text *t, Py_ssize_t start, layout):
    key = layout_key_at(layout, start)
    if key is not None:
        return key
    return _key_before(core, text, t, start)


cdef object _key_before(Detector core, str text, Text *t, Py_ssize_t start):
    # context.key_before: `"key": "`, `key=` and `<key>` (a tag, or any non-ASCII character: the Python regex).
    cdef ch_t before
    cdef Py_ssize_t i, low, name_end = 0
    if not start:
        return None
    before = at(t, start - 1)
    if before == 62 or (before == 10 and start >= 2 and at(t, start - 2) == 62):
        return core.py_key_before(text, start)
    low = start - 9 if start > 9 else 0
    i = start
    while i > low and unicode_isspace(<ch_t>at(t, i - 1)):
        i -= 1
    while i > low and (at(t, i - 1) == 34 or at(t, i - 1) == 39):
        i -= 1
    while i > low and unicode_isspace(<ch_t>at(t, i - 1)):
        i -= 1
    if i == low or not (at(t, i - 1) == 58 or at(t, i - 1) == 61):
        return None
    low = start - 70 if start > 70 else 0
    if not ascii_range(t, low, start):
        return core.py_key_before(text, start)
    i = key_name_before(t, low, start, &name_end)
    if i < 0 and at(t, start - 1) == 10:  # context.match_reversed: a final newline may be skipped
        i = key_name_before(t, low, start - 1, &name_end)
    return text[i:name_end] if i >= 0 else None


cdef bint _not_reference(Detector core, str text, Text *t, Py_ssize_t start, layout) except -1:
    key = _field(core, text, t, start, layout)
    return key is None or not core.is_non_pii_key(key)


cdef bint _version_word(Detector core, str text, Text *t, Py_ssize_t start) except -1:
    # context.preceded_by_version_word's cheap precheck here; the regex only after a likely last letter.
    cdef Py_ssize_t i, low
    if start and at(t, start - 1) == 47:
        return True
    low = start - 30 if start > 30 else 0
    i = start
    while i > low and unicode_isspace(<ch_t>at(t, i - 1)):
        i -= 1
    if i > low and (at(t, i - 1) == 58 or at(t, i - 1) == 61 or at(t, i - 1) == 35):
        i -= 1
        while i > low and unicode_isspace(<ch_t>at(t, i - 1)):
            i -= 1
    if i == low:
        return False
    if chr(at(t, i - 1)) not in core.version_ends:
        return False
    return bool(core.version_word(text, start))
