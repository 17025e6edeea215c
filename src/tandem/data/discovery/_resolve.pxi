# Included by _core.pyx: overlapping detections (engine._resolve) and the confidence floor.

cdef struct Span:
    Py_ssize_t start
    Py_ssize_t end
    double confidence
    Py_ssize_t index


cdef int compare_rank(const void *a, const void *b) noexcept nogil:
    # engine._rank: most confident, then longest, then first; then input order (Python's sort is stable).
    cdef const Span *x = <const Span *>a
    cdef const Span *y = <const Span *>b
    if x.confidence != y.confidence:
        return -1 if x.confidence > y.confidence else 1
    if x.start - x.end != y.start - y.end:
        return -1 if x.start - x.end < y.start - y.end else 1
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    return -1 if x.index < y.index else (1 if x.index > y.index else 0)


cdef int compare_start(const void *a, const void *b) noexcept nogil:
    cdef const Span *x = <const Span *>a
    cdef const Span *y = <const Span *>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    return -1 if x.index < y.index else (1 if x.index > y.index else 0)


cdef Py_ssize_t keep_ranked(Span *spans, Py_ssize_t count, Span *kept) noexcept nogil:
    # engine._resolve_ranked: in rank order, keep a span unless it overlaps one kept (kept sorted by start).
    cdef Py_ssize_t i, k, low, high, middle, size = 0
    qsort(spans, count, sizeof(Span), compare_rank)
    for i in range(count):
        low = 0
        high = size
        while low < high:  # bisect_left on the kept starts
            middle = (low + high) >> 1
            if kept[middle].start < spans[i].start:
                low = middle + 1
            else:
                high = middle
        if low > 0 and kept[low - 1].end > spans[i].start:
            continue
        if low < size and kept[low].start < spans[i].end:
            continue
        k = size
        while k > low:
            kept[k] = kept[k - 1]
            k -= 1
        kept[low] = spans[i]
        size += 1
    return size


cdef list resolve(list detections, double min_confidence):
    """engine._resolve, then the confidence floor: non-overlapping detections in text order."""
    cdef Py_ssize_t count = len(detections), i, first, size = 0, total = 0
    cdef Span *spans = <Span *>malloc((count + 1) * sizeof(Span))
    cdef Span *kept = <Span *>malloc((count + 1) * sizeof(Span))
    cdef bint empty = False
    cdef Py_ssize_t reach
    cdef list result = []
    cdef tuple detection
    if spans is NULL or kept is NULL:
        free(spans)
        free(kept)
        raise MemoryError()
    try:
        for i in range(count):
            detection = <tuple>detections[i]
            spans[i].start = detection[1]
            spans[i].end = detection[2]
            spans[i].confidence = detection[3]
            spans[i].index = i
            if spans[i].end <= spans[i].start:
                empty = True
        if empty:
            total = keep_ranked(spans, count, kept)
        else:
            # Only runs of mutually overlapping spans need ranking (engine._resolve).
            qsort(spans, count, sizeof(Span), compare_start)
            i = 0
            while i < count:
                first = i
                reach = spans[i].end
                i += 1
                while i < count and spans[i].start < reach:
                    if spans[i].end > reach:
                        reach = spans[i].end
                    i += 1
                if i - first == 1:
                    kept[total] = spans[first]
                    total += 1
                else:
                    total += keep_ranked(spans + first, i - first, kept + total)
        for i in range(total):
            if kept[i].confidence >= min_confidence:
                result.append(detections[kept[i].index])
    finally:
        free(spans)
        free(kept)
    return result


def resolve_detections(list detections, double min_confidence):
    """Return engine._resolve's choice among `detections` at or above `min_confidence` (for the tests)."""
    return resolve(detections, min_confidence)
