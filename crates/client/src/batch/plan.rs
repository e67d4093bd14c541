//! Splitting steps into batches of at most 20, each dependency chain whole inside one batch.

use super::MAX_STEPS_PER_BATCH;
use crate::Error;

/// Splits `pending` (step positions, ascending) into batches of at most [`MAX_STEPS_PER_BATCH`], keeping every group
/// of steps connected by `depends_on` (only the edges between pending steps count) in one batch, in order. Groups are
/// packed in the order of their first step; each batch lists its steps in ascending order, so a dependency always
/// comes before its dependents.
pub(super) fn split(
    pending: &[usize],
    depends_on: &[Vec<usize>],
    ids: &[String],
) -> Result<Vec<Vec<usize>>, Error> {
    // Union-find over the pending steps: a few dozen at most per call, so no ranks are needed.
    let mut parent: Vec<usize> = (0..pending.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }
    for (k, &step) in pending.iter().enumerate() {
        for dep in depends_on.get(step).into_iter().flatten() {
            if let Ok(d) = pending.binary_search(dep) {
                let (a, b) = (root(&mut parent, k), root(&mut parent, d));
                if let Some(slot) = parent.get_mut(a.max(b)) {
                    *slot = a.min(b);
                }
            }
        }
    }
    // Groups in the order of their first (lowest) step.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: Vec<Option<usize>> = vec![None; pending.len()];
    for (k, &step) in pending.iter().enumerate() {
        let r = root(&mut parent, k);
        match group_of_root.get(r).copied().flatten() {
            Some(g) => {
                if let Some(group) = groups.get_mut(g) {
                    group.push(step);
                }
            }
            None => {
                if let Some(slot) = group_of_root.get_mut(r) {
                    *slot = Some(groups.len());
                }
                groups.push(vec![step]);
            }
        }
    }
    if let Some(big) = groups.iter().find(|g| g.len() > MAX_STEPS_PER_BATCH) {
        let named: Vec<&str> = big
            .iter()
            .filter_map(|&s| ids.get(s).map(String::as_str))
            .collect();
        return Err(Error::configuration(format!(
            "{} steps are linked by dependsOn ({}), more than the {MAX_STEPS_PER_BATCH} one batch may hold; a dependency chain cannot be split across batches",
            big.len(),
            named.join(", ")
        )));
    }
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for group in groups {
        if current.len() + group.len() > MAX_STEPS_PER_BATCH {
            batches.push(std::mem::take(&mut current));
        }
        current.extend(group);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    for batch in &mut batches {
        batch.sort_unstable();
    }
    Ok(batches)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| i.to_string()).collect()
    }

    #[test]
    fn independent_steps_fill_batches_of_twenty() {
        let pending: Vec<usize> = (0..45).collect();
        let batches = split(&pending, &vec![Vec::new(); 45], &ids(45)).unwrap();
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [20, 20, 5]);
        assert_eq!(batches[1][0], 20);
    }

    #[test]
    fn a_chain_is_kept_in_one_batch() {
        // 15 independent steps, then a chain of 10 (15 <- 16 <- ... <- 24): the chain moves whole to batch two.
        let mut deps = vec![Vec::new(); 25];
        for (i, dep) in deps.iter_mut().enumerate().skip(16) {
            dep.push(i - 1);
        }
        let pending: Vec<usize> = (0..25).collect();
        let batches = split(&pending, &deps, &ids(25)).unwrap();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0], (0..15).collect::<Vec<_>>());
        assert_eq!(batches[1], (15..25).collect::<Vec<_>>());
    }

    #[test]
    fn a_chain_longer_than_a_batch_is_refused_naming_its_steps() {
        let deps: Vec<Vec<usize>> = (0..21)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect();
        let pending: Vec<usize> = (0..21).collect();
        let e = split(&pending, &deps, &ids(21)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("21 steps are linked"), "{text}");
        assert!(text.contains("1, 2, 3"), "{text}");
    }

    #[test]
    fn edges_to_steps_that_are_not_pending_are_ignored() {
        // Step 2 depended on step 0, which already succeeded: only 1 and 2 are resent, as independent steps.
        let deps = vec![vec![], vec![], vec![0]];
        let batches = split(&[1, 2], &deps, &ids(3)).unwrap();
        assert_eq!(batches, [vec![1, 2]]);
    }
}
