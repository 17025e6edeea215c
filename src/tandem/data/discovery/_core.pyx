
# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled detection pass: the same results as the pure-Python modules it mirrors, at C speed.

Built from this file by `setup.py` (an optional extension); without it `engine.py` runs the pure-Python
path, which stays the reference: tests/data/discovery/test_core_equivalence.py checks that both give the
same detections. Each step names the Python function whose semantics it reproduces. Values with a
character outside ASCII (where `str.lower`, `isalpha`, `isdigit`, `\w` or `\d` could differ from a byte
test) are handed to that Python function. Regular expressions that stay (names, dates found in prose,
driver's licences, company hints) are called from here; Hyperscan calls back into `_Collector`.
Keep in step: a change to a mirrored Python function needs the same change here (the tests say where).
"""

from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.string cimport memchr

cdef extern from "Python.h":
    Py_UCS4 unicode_read "PyUnicode_READ"(int kind, void *data, Py_ssize_t index) nogil
    bint unicode_isspace "Py_UNICODE_ISSPACE"(Py_UCS4 ch) nogil
    bint unicode_isalnum "Py_UNICODE_ISALNUM"(Py_UCS4 ch) nogil
    # The allocation `tuple.__new__(Detection, items)` makes (tuple_subtype_new), without its temporary tuple.
    object generic_alloc "PyType_GenericAlloc"(type kind, Py_ssize_t items)

# A character as a plain unsigned number (Cython treats `Py_UCS4` as a character type in arithmetic).
ctypedef unsigned int ch_t

cdef enum:
    MAX_ENDS = 6

# Judge codes: values judged here; anything else goes to its Python judge.
cdef enum:
    J_PYTHON = 0
    J_EMAIL = 1
    J_PHONE = 2
    J_SSN = 3
    J_CARD = 4
    J_IBAN = 5
    J_IPV4 = 6
    J_IPV6 = 7
    J_AWS = 8
    J_SSN_SPACED = 9
    J_KEY = 10
    J_CUE = 11
    J_GITHUB = 12

# Left-boundary codes (matcher._BLOCKING).
cdef enum:
    B_NONE = 0
    B_WORD = 1
    B_BASE64 = 2

# Start finders (matcher._FINDERS).
cdef enum:
    F_NONE = 0
    F_EMAIL = 1
    F_FIELD = 2

cdef enum:
    MAX_PATTERNS = 256

include "_text.pxi"
include "_candidates.pxi"


cdef class Detector:
    """The compiled detection pass over one Hyperscan database and the engine's judges."""

    cdef object database
    cdef int pattern_count
    cdef int judge_code[MAX_PATTERNS]
    cdef long long shift_start[MAX_PATTERNS]
    cdef long long shift_end[MAX_PATTERNS]
    cdef int boundary[MAX_PATTERNS]
    cdef bint dotted[MAX_PATTERNS]
    cdef int finder[MAX_PATTERNS]
    cdef list judges
    cdef list rules
    cdef type detection_type
    cdef object py_key_before
    cdef object version_word
    cdef object is_non_pii_key
    cdef object type_for_key
    cdef object international_ok
    cdef object iban_lengths
    cdef object t_email, t_phone, t_ssn, t_itin, t_card, t_iban, t_ip, t_aws
    cdef frozenset version_ends
    cdef frozenset itin_groups
    cdef frozenset retired_ssns
    cdef object name_run, name_after, strong_by_last, phrase_before, company_near, t_person
    cdef frozenset leading, not_name_words, weak_words, name_particles
    cdef object value_checks, column_rules, secret, typed_value_ok, t_secret, start_of
    cdef object find_birth_date, key_rules, t_dob, t_passport, t_mrn, t_dl, t_github, cue_types, forward
    cdef object valid_date, full_year
    cdef frozenset not_names, particles

    def __init__(self, database, tables, judges, rules, codes, detection, members, helpers, names, cues):
        """`tables`: per pattern (shift_start, shift_end, boundary code, dotted, finder code); `codes`: judge codes."""
        cdef int index
        if len(tables) > MAX_PATTERNS:
            raise ValueError("too many patterns for the compiled core")
        self.database = database
        self.pattern_count = len(tables)
        for index, (shift_start, shift_end, boundary, dotted, finder) in enumerate(tables):
            self.shift_start[index] = shift_start
            self.shift_end[index] = shift_end
            self.boundary[index] = boundary
            self.dotted[index] = dotted
            self.finder[index] = finder
            self.judge_code[index] = codes[index]
        self.judges = list(judges)
        self.rules = list(rules)
        self.detection_type = detection
        (self.t_email, self.t_phone, self.t_ssn, self.t_itin, self.t_card, self.t_iban, self.t_ip,
         self.t_aws) = members
        (self.py_key_before, self.version_word, self.is_non_pii_key,
         self.type_for_key, self.international_ok, self.iban_lengths, version_ends, itin_groups,
         retired_ssns) = helpers
        self.version_ends = frozenset(version_ends)
        self.itin_groups = frozenset(itin_groups)
        self.retired_ssns = frozenset(retired_ssns)
        self.name_run = names._RUN
        self.name_after = names._AFTER
        self.strong_by_last = names._STRONG_BY_LAST
        self.phrase_before = names._phrase_before
        self.company_near = names._company_near
        self.leading = frozenset(names._LEADING)
        self.not_name_words = frozenset(names._NOT_NAME_WORDS)
        self.weak_words = frozenset(names._WEAK)
        self.name_particles = frozenset(names._PARTICLE.removeprefix("(?:").removesuffix(")").split("|"))
        self.t_person = names.M.PERSON
        self.value_checks = cues._VALUE_CHECKS
        self.column_rules = cues._COLUMN_RULES
        self.secret = cues._secret
        self.typed_value_ok = cues.typed_value_ok
        self.t_secret = cues.M.SECRET
        self.start_of = cues._START
        self.find_birth_date = cues.find_birth_date
        self.key_rules = cues._KEY_RULES
        self.t_dob = cues.M.DATE_OF_BIRTH
        self.t_passport = cues.M.US_PASSPORT
        self.t_mrn = cues.M.MEDICAL_RECORD_NUMBER
        self.t_dl = cues.M.US_DRIVER_LICENSE
        self.t_github = cues.M.GITHUB_TOKEN
        self.cue_types = cues._CUE_TYPES
        self.forward = cues._FORWARD
        self.valid_date = cues.v.dates._valid
        self.full_year = cues.v.dates._full_year
        self.not_names = frozenset(cues.v.names._NOT_NAMES)
        self.particles = frozenset(cues.v.names._PARTICLE.removeprefix("(?:").removesuffix(")").split("|"))

    cdef object made(self, entity, Py_ssize_t start, Py_ssize_t end, double confidence, rule):
        # Detection(entity, start, end, confidence, rule): filled in place like tuple_subtype_new does.
        cdef object detection = generic_alloc(self.detection_type, 5)
        cdef object item
        Py_INCREF(entity)
        PyTuple_SET_ITEM(detection, 0, entity)
        item = start
        Py_INCREF(item)
        PyTuple_SET_ITEM(detection, 1, item)
        item = end
        Py_INCREF(item)
        PyTuple_SET_ITEM(detection, 2, item)
        item = confidence
        Py_INCREF(item)
        PyTuple_SET_ITEM(detection, 3, item)
        Py_INCREF(rule)
        PyTuple_SET_ITEM(detection, 4, rule)
        return detection

    def candidates(self, str text, bytes data):
        """Return matcher.scan's candidates: (start, pattern index, ends longest first)."""
        cdef Candidate *found = NULL
        cdef Py_ssize_t count = 0
        cdef Py_ssize_t i
        cdef list result = []
        try:
            count = self._candidates(text, data, &found)
            for i in range(count):
                result.append((found[i].start, found[i].index,
                               tuple([found[i].ends[j] for j in range(found[i].count)])))
        finally:
            free(found)
        return result

    cdef Py_ssize_t _candidates(self, str text, bytes data, Candidate **out) except -1:
        cdef _Collector collector = _Collector()
        cdef Text t
        cdef Report *reports
        cdef Report *pairs = NULL
        cdef Candidate *found = NULL
        cdef Py_ssize_t total, i, j, count = 0, pair_count, begin
        cdef int index, finder_kind, f
        cdef long long key, start, end
        t.kind = PyUnicode_KIND(text)
        t.data = PyUnicode_DATA(text)
        t.size = PyUnicode_GET_LENGTH(text)
        self.database.scan(data, match_event_handler=collector)
        total = collector.count
        reports = collector.reports
        qsort(reports, total, sizeof(Report), compare_reports)
        found = <Candidate *>malloc((total + 1) * sizeof(Candidate))
        pairs = <Report *>malloc((total + 1) * sizeof(Report))
        if found is NULL or pairs is NULL:
            free(found)
            free(pairs)
            raise MemoryError()
        try:
            # Patterns whose start is found here first, in pattern order (matcher.scan and matcher._found).
            for f in range(self.pattern_count):
                finder_kind = self.finder[f]
                if finder_kind == F_NONE:
                    continue
                pair_count = 0
                for i in range(total):
                    if (reports[i].key & 255) != f:
                        continue
                    end = reports[i].end - self.shift_end[f]
                    start = email_start(&t, end) if finder_kind == F_EMAIL else field_name_start(&t, end)
                    if start < 0 or blocked(&t, start, self.boundary[f], False):
                        continue
                    pairs[pair_count].key = start
                    pairs[pair_count].end = end
                    pair_count += 1
                qsort(pairs, pair_count, sizeof(Report), compare_pairs)
                i = 0
                while i < pair_count:
                    j = i
                    while j + 1 < pair_count and pairs[j + 1].key == pairs[i].key:
                        j += 1
                    found[count].start = pairs[i].key
                    found[count].index = f
                    found[count].count = 0
                    begin = j
                    while begin >= i and found[count].count < MAX_ENDS:
                        found[count].ends[found[count].count] = pairs[begin].end
                        found[count].count += 1
                        begin -= 1
                    count += 1
                    i = j + 1
            i = 0
            while i < total:
                key = reports[i].key
                index = key & 255
                j = i
                while j + 1 < total and reports[j + 1].key == key:
                    j += 1
                if self.finder[index] == F_NONE:
                    start = (key >> 8) + self.shift_start[index]
                    if not blocked(&t, start, self.boundary[index], self.dotted[index]):
                        found[count].start = start
                        found[count].index = index
                        found[count].count = 0
                        begin = i
                        while begin <= j and found[count].count < MAX_ENDS:
                            found[count].ends[found[count].count] = reports[begin].end - self.shift_end[index]
                            found[count].count += 1
                            begin += 1
                        count += 1
                i = j + 1
        except BaseException:
            free(found)
            raise
        finally:
            free(pairs)
        out[0] = found
        return count

    def detect(self, str text, bytes data, layout, double min_confidence):
        """Return engine.detect_with_layout's detections for `text` (`data`: its sentinel-framed encoding)."""
        cdef Candidate *found = NULL
        cdef Py_ssize_t count, i
        cdef list detections = []
        cdef object detection
        cdef Text t
        t.kind = PyUnicode_KIND(text)
        t.data = PyUnicode_DATA(text)
        t.size = PyUnicode_GET_LENGTH(text)
        try:
            count = self._candidates(text, data, &found)
            for i in range(count):
                detection = self._judge(text, &t, &found[i], layout)
                if detection is not None:
                    detections.append(detection)
        finally:
            free(found)
        if layout.tables:
            detections.extend(_cells(self, text, &t, layout))
        _names(self, text, &t, layout, detections)
        return resolve(detections, min_confidence)

    def judge_cells(self, str text, layout):
        """Return cues.judge_cells(text, layout)."""
        cdef Text t
        t.kind = PyUnicode_KIND(text)
        t.data = PyUnicode_DATA(text)
        t.size = PyUnicode_GET_LENGTH(text)
        return _cells(self, text, &t, layout)

    def key_before(self, str text, Py_ssize_t start):
        """Return context.key_before(text, start) (for the tests)."""
        cdef Text t
        t.kind = PyUnicode_KIND(text)
        t.data = PyUnicode_DATA(text)
        t.size = PyUnicode_GET_LENGTH(text)
        return _key_before(self, text, &t, start)

    def value_ok(self, entity, str text, Py_ssize_t start, Py_ssize_t end):
        """Return cues.typed_value_ok(entity, text[start:end], text, start) (for the tests)."""
        cdef Text t
        t.kind = PyUnicode_KIND(text)
        t.data = PyUnicode_DATA(text)
        t.size = PyUnicode_GET_LENGTH(text)
        return _value_ok(self, text, &t, entity, start, end)

    def find_names(self, str text, layout):
        """Return names.find_names(text, layout)."""
        cdef Text t
        cdef list found = []
        t.kind = PyUnicode_KIND(text)
        t.data = PyUnicode_DATA(text)
        t.size = PyUnicode_GET_LENGTH(text)
        _names(self, text, &t, layout, found)
        return found

    cdef object _python_judge(self, str text, Candidate *c, layout):
        cdef tuple ends = PyTuple_New(c.count)
        cdef object end
        cdef int k
        for k in range(c.count):
            end = c.ends[k]
            Py_INCREF(end)
            PyTuple_SET_ITEM(ends, k, end)
        return self.judges[c.index](text, c.start, ends, self.rules[c.index], layout)

    cdef object _judge(self, str text, Text *t, Candidate *c, layout):
        cdef int code = self.judge_code[c.index]
        cdef Py_ssize_t start = c.start
        cdef int k
        cdef bint ok
        if code == J_PYTHON or not ascii_range(t, start, c.ends[0]):
            return self._python_judge(text, c, layout)
        rule = self.rules[c.index]
        if code == J_KEY:
            return _key(self, text, t, c, layout)
        if code == J_CUE:
            return _cue(self, text, t, c, layout, rule)
        if code == J_GITHUB:
            # values._github: a checksummed token is surer.
            ok = (c.ends[0] - start >= 11 and at(t, start + 7) == 112
                  and text.startswith("github_pat_", start)) or github_checksum_ok(t, start, c.ends[0])
            return self.made(self.t_github, start, c.ends[0], 0.99 if ok else 0.9, rule)
        if code == J_EMAIL:
            for k in range(c.count):
                if email_ok(t, start, c.ends[k]):
                    return self.made(self.t_email, start, c.ends[k], 0.95, rule)
            return None
        if code == J_AWS:
            return self.made(self.t_aws, start, c.ends[0], 0.95, rule)
        if code == J_IPV4:
            return _ipv4(self, text, t, c, layout, rule)
        if code == J_CARD:
            for k in range(c.count):
                if card_ok(t, start, c.ends[k]):
                    return self.made(self.t_card, start, c.ends[k], 0.9 if _not_reference(self, text, t, start, layout)
                                     else 0.6, rule)
            return None
        if code == J_SSN or code == J_SSN_SPACED:
            return _ssn(self, text, t, c, layout, rule, code == J_SSN_SPACED)
        if code == J_PHONE:
            return _phone(self, text, t, c, layout, rule)
        if code == J_IBAN:
            for k in range(c.count):
                if _iban_ok(self, t, start, c.ends[k]):
                    return self.made(self.t_iban, start, c.ends[k], 0.95, rule)
            return None
        if code == J_IPV6:
            for k in range(c.count):
                if ipv6_ok(t, start, c.ends[k]):
                    return self.made(self.t_ip, start, c.ends[k], 0.85, rule)
            return None
        return self._python_judge(text, c, layout)


include "_checks.pxi"
include "_values.pxi"
include "_context.pxi"
include "_cues.pxi"
include "_names.pxi"
include "_layout.pxi"
include "_resolve.pxi"
