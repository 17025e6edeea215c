# Included by _core.pyx: person names in prose (names.py).

cdef bint weak_before(Text *t, Py_ssize_t start, frozenset words) except -1:
    # names._weak_before: `for`, `by`, `with`, ... and one blank (and a line break) right before the run.
    cdef Py_ssize_t blank, low, first
    if start > 1 and at(t, start - 1) == 10 and unicode_isspace(<Py_UCS4>at(t, start - 2)):
        blank = start - 2
    else:
        blank = start - 1
    if blank <= 0 or not unicode_isspace(<Py_UCS4>at(t, blank)):
        return False
    low = start - 40 if start > 40 else 0
    first = blank
    while first > low and is_word(at(t, first - 1)):
        first -= 1
    if not 2 <= blank - first <= 4:
        return False
    if not _ascii_slice(t, first, blank) in words:
        return False
    return first == low or not (unicode_isalnum(<Py_UCS4>at(t, first - 1)) or at(t, first - 1) == 95)


cdef str _ascii_slice(Text *t, Py_ssize_t start, Py_ssize_t end):
    # An ASCII word of at most 8 characters as a `str`.
    cdef char buffer[8]
    cdef Py_ssize_t i
    for i in range(end - start):
        buffer[i] = <char>at(t, start + i)
    return buffer[:end - start].decode("ascii")


cdef inline bint name_blocked(ch_t c) noexcept nogil:
    # names._RUN's look-behind: a run does not start after `\w`, `@` or `.` (non-ASCII: decided by the regex).
    return c <= 127 and (is_word(c) or c == 64 or c == 46)


# names.find_names: capitalised runs in prose (the regex) judged by their cues (here).
cdef _names(Detector core, str text, Text *t, layout, list found):
    # `finditer` tries a match at every position; here only where the run's first characters can start one
    # (a capital after a character that is not `\w`, `@` or `.`, before a small letter; any non-ASCII
    # character is left to the regex).
    cdef Py_ssize_t low, high, position, end
    cdef ch_t c
    match_at = core.name_run.match
    ranges = layout.prose_ranges(len(text)) if layout.tables else ((0, len(text)),)
    for low, high in ranges:
        position = low
        while position < high:
            c = at(t, position)
            if (c > 127 or is_upper(c)) and (position == 0 or not name_blocked(at(t, position - 1))) \
                    and position + 1 < high and (at(t, position + 1) > 127 or is_lower(at(t, position + 1))):
                end = run_end(t, position, high, core.name_particles)
                if end == FALLBACK:
                    match = match_at(text, position, high)
                    end = NO_RUN if match is None else match.end()
                if end != NO_RUN:
                    _name(core, text, t, position, end, found)
                    position = end
                    continue
            position += 1


cdef enum:
    NO_RUN = -1
    FALLBACK = -2


cdef inline ch_t peek(Text *t, Py_ssize_t i, Py_ssize_t high, bint *wide) noexcept nogil:
    # The character at i before `high` (0 at or after it); flags any non-ASCII character.
    cdef ch_t c
    if i >= high:
        return 0
    c = at(t, i)
    if c > 127:
        wide[0] = True
    return c


cdef Py_ssize_t token_end(Text *t, Py_ssize_t i, Py_ssize_t high, bint *wide, Py_ssize_t *last_group) noexcept nogil:
    # names._TOKEN from the capital at i: `[a-z]+`, an optional `[A-Z][a-z]+` (`McDonald`), then `-`/`'` groups
    # (`Anne-Marie`, `O'Neil`). Each part is taken whole: giving back letters only leaves a letter next, which
    # nothing after it accepts. The start of the last group (-1: none) is where the regex ends the run instead
    # when the character after it is a word character. Returns -1 when there is no token.
    cdef Py_ssize_t k
    last_group[0] = -1
    i += 1
    if not is_lower(peek(t, i, high, wide)):
        return -1
    while is_lower(peek(t, i, high, wide)):
        i += 1
    if is_upper(peek(t, i, high, wide)) and is_lower(peek(t, i + 1, high, wide)):
        i += 2
        while is_lower(peek(t, i, high, wide)):
            i += 1
    while peek(t, i, high, wide) == 45 or peek(t, i, high, wide) == 39:
        k = i + 1
        if is_upper(peek(t, k, high, wide)):
            k += 1
        if not is_lower(peek(t, k, high, wide)):
            break
        last_group[0] = i
        i = k
        while is_lower(peek(t, i, high, wide)):
            i += 1
    return i


cdef Py_ssize_t run_end(Text *t, Py_ssize_t start, Py_ssize_t high, frozenset particles) except? -3:
    # names._RUN.match(text, start, high).end() for a capital at `start` not after `\w`, `@` or `.`: up to four
    # tokens joined by one blank (and a particle such as `van`), not followed by `\w` or `@`. Where the whole
    # run is followed by one, the regex backtracks to the last group start of its last token, else to the end
    # of the token before. NO_RUN, or FALLBACK when a non-ASCII character is involved (the regex decides).
    cdef bint wide = False
    cdef Py_ssize_t end, previous, last_group, i, j, m, group
    cdef int tokens = 1
    cdef ch_t c
    if at(t, start) > 127 or (start and at(t, start - 1) > 127):
        return FALLBACK
    if not is_upper(at(t, start)):
        return NO_RUN
    end = token_end(t, start, high, &wide, &last_group)
    if wide:
        return FALLBACK
    if end < 0:
        return NO_RUN
    previous = -1
    while tokens < 4 and peek(t, end, high, &wide) == 32:
        j = end + 1
        if is_lower(peek(t, j, high, &wide)):
            m = j
            while is_lower(peek(t, m, high, &wide)):
                m += 1
            if peek(t, m, high, &wide) != 32 or wide or m - j > 5 or _ascii_slice(t, j, m) not in particles:
                break
            j = m + 1
        if not is_upper(peek(t, j, high, &wide)):
            break
        i = token_end(t, j, high, &wide, &group)
        if i < 0:
            break
        previous = end
        end = i
        last_group = group
        tokens += 1
    c = peek(t, end, high, &wide)
    if wide:
        return FALLBACK
    if not (is_word(c) or c == 64):
        return end
    if last_group >= 0:
        return last_group
    return previous if previous >= 0 else NO_RUN


cdef _name(Detector core, str text, Text *t, Py_ssize_t start, Py_ssize_t end, list found):
    # names._find_in for one run.
    cdef Py_ssize_t kept, skip, count, i
    cdef bint spaced = False
    for i in range(start, end):
        if at(t, i) == 32:
            spaced = True
            break
    if not spaced:
        # A single word, the common case: the cheap cue checks first (all checks are pure, so any order).
        if not _is_person(core, text, t, start, end, 1):
            return
        run = text[start:end]
        if run.lower() in core.leading or run in core.not_name_words:
            return
        found.append(core.made(core.t_person, start, end, 0.75, "prose_name"))
        return
    # Several words: leading titles and openers are not part of the name.
    words = text[start:end].split(" ")
    count = len(words)
    skip = 0
    while skip < count and words[skip].lower().rstrip(".") in core.leading:
        skip += 1
    if skip == count or not core.not_name_words.isdisjoint(words[skip:]):
        return
    if skip:
        start += len(" ".join(words[:skip])) + 1
    kept = count - skip
    if _is_person(core, text, t, start, end, kept):
        found.append(core.made(core.t_person, start, end, 0.75, "prose_name"))


cdef bint _is_person(Detector core, str text, Text *t, Py_ssize_t start, Py_ssize_t end, Py_ssize_t words) except -1:
    # names._is_person: a cue around the run, and no company name next to it.
    cdef bint supported = False
    cdef Py_ssize_t size = t.size
    if words == 1:
        if end + 2 <= size and ((at(t, end) == 44 and at(t, end + 1) == 32)
                                or (at(t, end) == 32 and at(t, end + 1) == 40)):
            supported = core.name_after.match(text[end:end + 30]) is not None
        if not supported:
            supported = _strong_before(core, text, t, start)
    else:
        supported = (core.name_after.match(text[end:end + 30]) is not None or weak_before(t, start, core.weak_words)
                     or _strong_before(core, text, t, start))
    if not supported:
        return False
    return not core.company_near(text, start, text[end:end + 30])


cdef bint _strong_before(Detector core, str text, Text *t, Py_ssize_t start) except -1:
    # names._strong_before: the whole word before the run (after blanks and one `.`, `:` or `,`) ends a cue.
    cdef Py_ssize_t low = start - 40 if start > 40 else 0
    cdef Py_ssize_t end = start, first
    cdef ch_t c
    while end > low and unicode_isspace(<Py_UCS4>at(t, end - 1)):
        end -= 1
    if end > low:
        c = at(t, end - 1)
        if c == 46 or c == 58 or c == 44:
            end -= 1
    first = end
    while first > low and is_word(at(t, first - 1)):
        first -= 1
    if first == end:
        return False
    if first > low and (unicode_isalnum(<Py_UCS4>at(t, first - 1)) or at(t, first - 1) == 95):
        return False
    phrases = core.strong_by_last.get(text[first:end].lower())
    return phrases is not None and bool(core.phrase_before(text[low:end], phrases))
