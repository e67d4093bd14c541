//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `input`, ignoring ASCII case, when it is close enough to be a likely slip: a case
/// difference always is; otherwise an edit distance (insert, delete, substitute, swap neighbours) of at most 2, and
/// at most a third of the candidate's length, so a short name like `id` is only suggested for a case slip.
pub(crate) fn closest<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let input_lower = input.to_ascii_lowercase();
    let mut best: Option<(usize, &'c str)> = None;
    for &candidate in candidates {
        let limit = (candidate.chars().count() / 3).min(2);
        let Some(d) = bounded_distance(&input_lower, &candidate.to_ascii_lowercase(), limit) else {
            continue;
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal-string-alignment distance between `a` and `b` when it is at most `limit`, else `None`.
fn bounded_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Three rolling rows: two back (for transpositions), previous, current.
    let width = b.len() + 1;
    let mut two_back: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur: Vec<usize> = vec![0; width];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                d = d.min(two_back[j - 1] + 1);
            }
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev.last().copied().unwrap_or(usize::MAX);
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::{bounded_distance, closest};

    #[test]
    fn distances() {
        assert_eq!(bounded_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(bounded_distance("kitten", "sitting", 2), None);
        assert_eq!(bounded_distance("x46", "x64", 2), Some(1));
        assert_eq!(bounded_distance("", "ab", 2), Some(2));
        assert_eq!(bounded_distance("same", "same", 0), Some(0));
    }

    #[test]
    fn suggestions() {
        let props = [
            "id",
            "supportedEditions",
            "supportedArchitectures",
            "availableUpdates",
        ];
        assert_eq!(
            closest("supportedEdition", &props),
            Some("supportedEditions")
        );
        assert_eq!(
            closest("SupportedEditions", &props),
            Some("supportedEditions")
        );
        assert_eq!(closest("ID", &props), Some("id"));
        assert_eq!(closest("ix", &props), None);
        assert_eq!(closest("displayName", &props), None);
        assert_eq!(
            closest("ARM64", &["unknown", "x86", "x64", "arm", "arM64"]),
            Some("arM64")
        );
    }
}
