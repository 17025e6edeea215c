# Included by _core.pyx: context-only types under field names, columns and cue words (cues.py).

cdef bint only_date_chars(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    # Digits, `-`, `/`, `.` and blanks only: no month word, so only DATE_PATTERN's numeric forms can match.
    cdef Py_ssize_t i
    cdef ch_t c
    for i in range(start, end):
        c = at(t, i)
        if not (is_digit(c) or c == 45 or c == 47 or c == 46 or unicode_isspace(<Py_UCS4>c)):
            return False
    return True


cdef list _cells(Detector core, str text, Text *t, layout):
    # cues.judge_cells: every cell of the columns whose names announce a type, by that type's validator.
    cdef list found = []
    cdef Py_ssize_t column
    for table in layout.tables:
        names = table.names
        for column in range(len(names)):
            key = names[column]
            entity = core.type_for_key(key)
            if entity is not None:
                _column(core, text, t, table.rows, column, key, entity, found)
    found.sort(key=core.start_of)
    return found


cdef _column(Detector core, str text, Text *t, list rows, Py_ssize_t column, key, entity, list found):
    # cues._judge_column.
    cdef Py_ssize_t start, end
    cdef bint ok
    cdef bint secret = entity is core.t_secret
    rule = core.column_rules[entity]
    for starts, ends in rows:
        start = starts[column]
        end = ends[column]
        while start < end and is_padding(at(t, start)):
            start += 1
        while end > start and is_padding(at(t, end - 1)):
            end -= 1
        if start >= end:
            continue
        if secret:
            detection = core.secret(key, text, start, end, "column_secret")
            if detection is not None:
                found.append(detection)
            continue
        ok = _value_ok(core, text, t, entity, start, end)
        if ok:
            found.append(core.made(entity, start, end, 0.9, rule))


cdef object _key(Detector core, str text, Text *t, Candidate *c, layout):
    # cues.judge_key: the field name (`[A-Za-z_][\w.-]*`, ASCII here) and its type, then the value in Python.
    cdef Py_ssize_t start = c.start, end = c.start + 1
    cdef ch_t ch = at(t, start)
    if not (is_alpha(ch) or ch == 95):
        return core._python_judge(text, c, layout)
    while end < t.size:
        ch = at(t, end)
        if ch > 127:
            return core._python_judge(text, c, layout)  # `\w` also takes non-ASCII letters and digits
        if not (is_word(ch) or ch == 46 or ch == 45):
            break
        end += 1
    key = text[start:end]
    entity = core.type_for_key(key)
    if entity is None or layout_in_cell(layout, start):
        return None
    return _key_value(core, text, t, key, entity, end, c.ends[0])


cdef object _key_value(Detector core, str text, Text *t, key, entity, Py_ssize_t name_end, Py_ssize_t value_start):
    # cues.judge_key_value: the value's span (quoted, or up to a stop character), then its type's check.
    cdef Py_ssize_t start, end, i, limit
    cdef ch_t opener, c
    cdef bint equals = False
    while value_start < t.size and (at(t, value_start) == 32 or at(t, value_start) == 9):
        value_start += 1
    opener = at(t, value_start) if value_start < t.size else 0
    if opener == 34 or opener == 39:  # cues._QUOTED: up to 400 characters before the quote or line end
        start = end = value_start + 1
        limit = start + 400 if start + 400 < t.size else t.size
        while end < limit and at(t, end) != opener and at(t, end) != 10:
            end += 1
    else:
        for i in range(name_end, value_start):
            if at(t, i) == 61:
                equals = True
                break
        end = value_start
        while end < t.size:
            c = at(t, end)
            if equals:  # cues._UNQUOTED_EQ: `[^\s,;&"'<>]*`
                if unicode_isspace(<Py_UCS4>c) or c == 44 or c == 59 or c == 38 or c == 34 or c == 39 \
                        or c == 60 or c == 62:
                    break
            elif c == 10 or c == 44 or c == 59 or c == 34 or c == 39 or c == 60 or c == 62 or c == 123 \
                    or c == 125 or c == 91 or c == 93:  # cues._UNQUOTED_COLON
                break
            end += 1
        start = value_start
        while start < end and is_padding(at(t, start)):
            start += 1
        while end > start and is_padding(at(t, end - 1)):
            end -= 1
    if start >= end:
        return None
    if entity is core.t_secret:
        return core.secret(key, text, start, end, "key_secret")
    if entity is core.t_dob:
        found = core.find_birth_date(text, start, end)
        if found is None or found[0] != start:
            return None
        start, end = found
    elif not _value_ok(core, text, t, entity, start, end):
        return None
    return core.made(entity, start, end, 0.9, core.key_rules[entity])


cdef bint _value_ok(Detector core, str text, Text *t, entity, Py_ssize_t start, Py_ssize_t end) except -1:
    # cues.typed_value_ok(entity, text[start:end], text, start), with ASCII SSNs, phones, passports and MRNs here.
    cdef char digits[72]
    if ascii_range(t, start, end):
        if entity is core.t_ssn:
            return only_ssn_chars(t, start, end) and _ssn_ok(core, digits, digits_of(t, start, end, digits))
        if entity is core.t_phone:
            return _phone_ok(core, t, start, end)
        if entity is core.t_passport:
            return passport_ok(t, start, end)
        if entity is core.t_mrn:
            return mrn_ok(t, start, end)
        if entity is core.t_person:
            return _person_ok(core, text, t, start, end)
        if entity is core.t_dob and only_date_chars(t, start, end):
            return _numeric_date_ok(core, text, t, start, end)
    check = core.value_checks.get(entity)
    if check is not None:
        return bool(check(text[start:end]))
    return bool(core.typed_value_ok(entity, text[start:end], text, start))


cdef bint _person_ok(Detector core, str text, Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    # validators.names.is_person_name on ASCII: up to five capitalised words (`O'Neil`, `Anne-Marie`, `J.`),
    # each after one blank (and an optional comma) and lower-case particles (`van`, `de`). Every choice in
    # its regex is forced by the next character, so one left-to-right pass decides.
    cdef Py_ssize_t p, q, words = 0
    while start < end and unicode_isspace(<Py_UCS4>at(t, start)):
        start += 1
    while end > start and unicode_isspace(<Py_UCS4>at(t, end - 1)):
        end -= 1
    if not 2 <= end - start <= 70:
        return False
    if end - start <= 9 and text[start:end].lower() in core.not_names:
        return False
    p = start
    while True:
        if p >= end or not is_upper(at(t, p)):
            return False
        p += 1
        while p < end and is_alpha(at(t, p)):
            p += 1
        if p < end and at(t, p) == 46:
            p += 1
        while p + 2 < end and (at(t, p) == 45 or at(t, p) == 39) and is_alpha(at(t, p + 1)) \
                and is_lower(at(t, p + 2)):
            p += 3
            while p < end and is_lower(at(t, p)):
                p += 1
        words += 1
        if p == end:
            return True
        if words == 5:
            return False
        if at(t, p) == 44:
            p += 1
        if p >= end or not unicode_isspace(<Py_UCS4>at(t, p)):
            return False
        p += 1
        while p < end and is_lower(at(t, p)):
            q = p
            while q < end and is_lower(at(t, q)):
                q += 1
            if q >= end or not unicode_isspace(<Py_UCS4>at(t, q)) or text[p:q] not in core.particles:
                return False
            p = q + 1


cdef bint _numeric_date_ok(Detector core, str text, Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    # validators.dates.parse_birth_date for values of digits and `-`, `/`, `.` only (blanks around them aside):
    # `yyyy?m?d` or `d?m?yy(yy)` (either order of day and month), as DATE_PATTERN's numeric forms.
    cdef Py_ssize_t bounds[6]
    cdef Py_ssize_t p, runs = 0
    while start < end and unicode_isspace(<Py_UCS4>at(t, start)):
        start += 1
    while end > start and unicode_isspace(<Py_UCS4>at(t, end - 1)):
        end -= 1
    p = start
    while runs < 3:
        bounds[2 * runs] = p
        while p < end and is_digit(at(t, p)):
            p += 1
        bounds[2 * runs + 1] = p
        runs += 1
        if runs < 3:
            if p >= end or not (at(t, p) == 45 or at(t, p) == 47 or at(t, p) == 46):
                return False
            p += 1
    if p != end:
        return False
    first, second, third = bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]
    if not (1 <= second <= 2):
        return False
    if first == 4 and 1 <= third <= 2:
        return bool(core.valid_date(int(text[bounds[0]:bounds[1]]), int(text[bounds[2]:bounds[3]]),
                                    int(text[bounds[4]:bounds[5]])))
    if 1 <= first <= 2 and (third == 4 or third == 2):
        year = core.full_year(text[bounds[4]:bounds[5]])
        day_or_month = int(text[bounds[0]:bounds[1]])
        month_or_day = int(text[bounds[2]:bounds[3]])
        return bool(core.valid_date(year, day_or_month, month_or_day) or
                    core.valid_date(year, month_or_day, day_or_month))
    return False


cdef object _cue(Detector core, str text, Text *t, Candidate *c, layout, rule):
    # cues.judge_cue: the first value of the cue's type a few words after it, on its line (not in a table).
    cdef Py_ssize_t start, limit, end
    if layout_in_cell(layout, c.start):
        return None
    entity = core.cue_types[rule]
    start = c.ends[0]
    limit = start + 40 if start + 40 < t.size else t.size
    end = find_newline(t, start, limit)
    if entity is core.t_dob:
        found = core.find_birth_date(text, start, end)
        if found is None:
            return None
        return core.made(entity, found[0], found[1], 0.85, rule)
    for match in core.forward[entity].finditer(text, start, end):
        if _value_ok(core, text, t, entity, match.start(), match.end()):
            return core.made(entity, match.start(), match.end(), 0.85, rule)
        if entity is not core.t_dl:
            return None
    return None
