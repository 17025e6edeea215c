# Included by _core.pyx: reading characters of a `str` by index (ASCII classes, newlines).

cdef struct Text:
    int kind
    void *data
    Py_ssize_t size


cdef inline ch_t at(Text *t, Py_ssize_t i) noexcept nogil:
    return <ch_t>unicode_read(t.kind, t.data, i)


cdef inline bint is_word(ch_t c) noexcept nogil:
    return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or c == 95


cdef inline bint is_digit(ch_t c) noexcept nogil:
    return c >= 48 and c <= 57


cdef inline bint is_upper(ch_t c) noexcept nogil:
    return c >= 65 and c <= 90


cdef inline bint is_lower(ch_t c) noexcept nogil:
    return c >= 97 and c <= 122


cdef inline bint is_alpha(ch_t c) noexcept nogil:
    return (c >= 65 and c <= 90) or (c >= 97 and c <= 122)


cdef inline bint is_hex(ch_t c) noexcept nogil:
    return (c >= 48 and c <= 57) or (c >= 65 and c <= 70) or (c >= 97 and c <= 102)


cdef Py_ssize_t find_newline(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # The offset of the first `\n` in [start, end), or `end`.
    cdef const char *found
    if start >= end:
        return end
    if t.kind == 1:
        found = <const char *>memchr(<const char *>t.data + start, 10, end - start)
        return end if found is NULL else found - <const char *>t.data
    while start < end and at(t, start) != 10:
        start += 1
    return start


cdef bint ascii_range(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    cdef Py_ssize_t i
    if t.kind == 1:
        for i in range(start, end):
            if (<unsigned char *>t.data)[i] > 127:
                return False
        return True
    for i in range(start, end):
        if at(t, i) > 127:
            return False
    return True


cdef inline bint is_padding(ch_t c) noexcept nogil:
    # cues._PADDING: blanks and quotes around a cell's value.
    return c == 32 or c == 9 or c == 13 or c == 34 or c == 39


cdef inline bint is_quote(ch_t c) noexcept nogil:
    return c == 34 or c == 39
