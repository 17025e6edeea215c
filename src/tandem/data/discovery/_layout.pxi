# Included by _core.pyx: delimited tables among prose (layout.find_layout).

# layout.find_layout: delimited tables (a header line of names, then rows that mostly fit it) between blank lines.
cdef Py_ssize_t field_end(Text *t, Py_ssize_t position, Py_ssize_t end, ch_t delimiter) noexcept nogil:
    # layout._QUOTED_FIELD: up to the next delimiter outside double quotes (an open quote runs to the line's end).
    cdef ch_t c
    while position < end:
        c = at(t, position)
        if c == 34:
            position += 1
            while position < end and at(t, position) != 34:
                position += 1
            if position < end:
                position += 1
        elif c == delimiter:
            break
        else:
            position += 1
    return position


cdef Py_ssize_t field_count(Text *t, Py_ssize_t start, Py_ssize_t end, ch_t delimiter) noexcept nogil:
    cdef Py_ssize_t count = 0
    while True:
        start = field_end(t, start, end, delimiter)
        count += 1
        if start >= end:
            return count
        start += 1


cdef bint blank(Text *t, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(start, end):
        if not unicode_isspace(<Py_UCS4>at(t, i)):
            return False
    return True


cdef inline bint header_char(ch_t c) noexcept nogil:
    # layout._HEADER_CELL after its first character: `[\w .#()/-]` (ASCII here).
    return is_word(c) or c == 32 or c == 46 or c == 35 or c == 40 or c == 41 or c == 47 or c == 45


cdef object header_names(Text *t, str text, Py_ssize_t start, Py_ssize_t end, ch_t delimiter):
    # layout._header for one delimiter on an ASCII line: the stripped field names, or None.
    cdef list names = []
    cdef Py_ssize_t position = start, field, low, high, i
    cdef ch_t c
    while True:
        field = field_end(t, position, end, delimiter)
        low, high = position, field
        while low < high and unicode_isspace(<Py_UCS4>at(t, low)):
            low += 1
        while high > low and unicode_isspace(<Py_UCS4>at(t, high - 1)):
            high -= 1
        while low < high and at(t, low) == 34:
            low += 1
        while high > low and at(t, high - 1) == 34:
            high -= 1
        while low < high and unicode_isspace(<Py_UCS4>at(t, low)):
            low += 1
        while high > low and unicode_isspace(<Py_UCS4>at(t, high - 1)):
            high -= 1
        if high == low or high - low > 51:
            return None
        c = at(t, low)
        if not (is_alpha(c) or c == 95):
            return None
        for i in range(low + 1, high):
            if not header_char(at(t, i)):
                return None
        names.append(text[low:high])
        if field >= end:
            break
        position = field + 1
    return names if len(names) >= 2 else None


cdef object find_header(Text *t, str text, Py_ssize_t start, Py_ssize_t end, header):
    # layout._header: the first delimiter (`,`, tab, `;`, `|`) under which every field is a name (two or more).
    cdef ch_t delimiter
    cdef Py_ssize_t i
    cdef bint present
    if not ascii_range(t, start, end):
        return header(text[start:end])
    for delimiter in (44, 9, 59, 124):
        present = False
        for i in range(start, end):
            if at(t, i) == delimiter:
                present = True
                break
        if not present:
            continue
        names = header_names(t, text, start, end, delimiter)
        if names is not None:
            return chr(delimiter), names
    return None


def find_layout(str text, bint delimited, layout_type, table_type, header):
    """Return layout.find_layout(text, delimited), built from `layout_type` and `table_type` (its classes)."""
    cdef Text t
    cdef Py_ssize_t size, position, i, j
    cdef list blocks
    t.kind = PyUnicode_KIND(text)
    t.data = PyUnicode_DATA(text)
    t.size = size = PyUnicode_GET_LENGTH(text)
    layout = layout_type()
    if delimited:
        blocks = [(0, size)]
    else:
        if "," not in text and "\t" not in text and ";" not in text and "|" not in text:
            return layout
        blocks = []
        position = 0
        i = find_newline(&t, 0, size)
        while i < size:  # layout._BLANK_LINES: `\n[ \t]*\n`
            j = i + 1
            while j < size and (at(&t, j) == 32 or at(&t, j) == 9):
                j += 1
            if j < size and at(&t, j) == 10:
                blocks.append((position, i))
                position = j + 1
                i = find_newline(&t, position, size)
            else:
                i = find_newline(&t, i + 1, size)
        blocks.append((position, size))
    for start, end in blocks:
        add_block(&t, text, start, end, layout, table_type, header)
    return layout


cdef add_block(Text *t, str text, Py_ssize_t start, Py_ssize_t end, layout, table_type, header):
    cdef Py_ssize_t first_end, line, line_end, filled = 0, fitting = 0, width, count, row, position, field
    cdef ch_t delimiter
    cdef list starts, ends, names
    while start < end and at(t, start) == 10:
        start += 1
    if start == end or at(t, start) in (123, 91, 60):
        return
    first_end = find_newline(t, start, end)
    found = find_header(t, text, start, first_end, header)
    if found is None or first_end == end:
        return
    delimiter = ord(found[0])
    names = found[1]
    width = len(names)
    # layout._table_rows: most non-blank lines after the header fit it.
    line = first_end + 1
    while True:
        line_end = find_newline(t, line, end)
        if not blank(t, line, line_end):
            filled += 1
            if field_count(t, line, line_end, delimiter) == width:
                fitting += 1
        if line_end >= end:
            break
        line = line_end + 1
    if not (filled and fitting >= 1 and fitting >= filled * 0.8):
        return
    # layout._add_table
    table = table_type(names)
    cell_starts, cell_ends, cell_keys, cell_rows = layout._starts, layout._ends, layout._keys, layout._rows
    line = first_end + 1
    row = 1
    while True:
        line_end = find_newline(t, line, end)
        if field_count(t, line, line_end, delimiter) == width:
            starts = []
            ends = []
            position = line
            while True:
                field = field_end(t, position, line_end, delimiter)
                starts.append(position)
                ends.append(field)
                if field >= line_end:
                    break
                position = field + 1
            table.rows.append((starts, ends))
            cell_starts.extend(starts)
            cell_ends.extend(ends)
            cell_keys.extend(names)
            cell_rows.extend([row] * width)
        if line_end >= end:
            break
        line = line_end + 1
        row += 1
    layout.tables.append(table)
