# Included by _core.pyx: Hyperscan reports into candidates (matcher.scan, email_start, field_name_start).

cdef struct Report:
    long long key
    long long end


cdef struct Candidate:
    Py_ssize_t start
    int index
    int count
    Py_ssize_t ends[MAX_ENDS]


cdef int compare_reports(const void *a, const void *b) noexcept nogil:
    # Key ascending, then end descending (longest first).
    cdef const Report *x = <const Report *>a
    cdef const Report *y = <const Report *>b
    if x.key != y.key:
        return -1 if x.key < y.key else 1
    if x.end != y.end:
        return -1 if x.end > y.end else 1
    return 0


cdef int compare_pairs(const void *a, const void *b) noexcept nogil:
    # (start, end) ascending: matcher._found sorts located pairs so.
    cdef const Report *x = <const Report *>a
    cdef const Report *y = <const Report *>b
    if x.key != y.key:
        return -1 if x.key < y.key else 1
    if x.end != y.end:
        return -1 if x.end < y.end else 1
    return 0


cdef class _Collector:
    """The Hyperscan match handler: every report as (start << 8 | expression, end) in a growing C array."""

    cdef Report *reports
    cdef Py_ssize_t count
    cdef Py_ssize_t capacity

    def __cinit__(self):
        self.capacity = 1024
        self.count = 0
        self.reports = <Report *>malloc(self.capacity * sizeof(Report))
        if self.reports is NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.reports)

    def __call__(self, unsigned int expression, unsigned long long start, unsigned long long end, unsigned int flags,
                 context):
        cdef Report *grown
        if self.count == self.capacity:
            grown = <Report *>realloc(self.reports, 2 * self.capacity * sizeof(Report))
            if grown is NULL:
                raise MemoryError()
            self.reports = grown
            self.capacity *= 2
        self.reports[self.count].key = <long long>(start << 8 | expression)
        self.reports[self.count].end = <long long>end
        self.count += 1


# matcher.email_start: the run of local-part characters before the last `@`, less its leading dots.
cdef inline bint is_local_char(ch_t c) noexcept nogil:
    return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or c == 46 or c == 95 \
        or c == 37 or c == 43 or c == 45


cdef Py_ssize_t email_start(Text *t, Py_ssize_t end) noexcept nogil:
    cdef Py_ssize_t at_sign = end - 1
    cdef Py_ssize_t first
    while at_sign >= 0 and at(t, at_sign) != 64:
        at_sign -= 1
    if at_sign <= 0:
        return -1
    first = at_sign
    while first > 0 and is_local_char(at(t, first - 1)):
        first -= 1
    while first < at_sign and at(t, first) == 46:
        first += 1
    return first if first < at_sign else -1


# matcher.field_name_start: at most 61 name characters before the sign, from a letter or `_`.
cdef inline bint is_name_char(ch_t c) noexcept nogil:
    return is_word(c) or c == 46 or c == 45


cdef Py_ssize_t field_name_start(Text *t, Py_ssize_t end) noexcept nogil:
    cdef Py_ssize_t position = end - 1
    cdef Py_ssize_t low, first
    cdef ch_t c
    if position and (at(t, position - 1) == 32 or at(t, position - 1) == 9):
        position -= 1
    if position and (at(t, position - 1) == 34 or at(t, position - 1) == 39):
        position -= 1
    low = position - 61 if position > 61 else 0
    first = position
    while first > low and is_name_char(at(t, first - 1)):
        first -= 1
    while first < position:
        c = at(t, first)
        if not (is_digit(c) or c == 46 or c == 45):
            break
        first += 1
    return first if first < position else -1


cdef inline bint blocked(Text *t, Py_ssize_t start, int boundary, bint dotted) noexcept nogil:
    cdef ch_t before
    if not start:
        return False
    before = at(t, start - 1)
    if boundary == B_WORD and is_word(before):
        return True
    if boundary == B_BASE64 and (is_word(before) or before == 43 or before == 47 or before == 61):
        return True
    return dotted and (before == 46 or before == 58) and start > 1 and is_digit(at(t, start - 2))
