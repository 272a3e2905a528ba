//! Per-rule lists stored end to end in one vector: a relation set for 100,000 rules is a few
//! large allocations rather than one small one per rule.

/// Where no list was set.
const UNSET: u32 = u32::MAX;

/// One list per rule, each set at most once, in any order.
pub struct Flat<T> {
    /// (start, length) of each rule's list in `all`; start `UNSET` where none was set.
    at: Vec<(u32, u32)>,
    all: Vec<T>,
}

impl<T: Copy> Flat<T> {
    /// `n` rules with no list yet.
    pub fn new(n: usize) -> Self {
        Flat {
            at: vec![(UNSET, 0); n],
            all: Vec::new(),
        }
    }

    /// Set rule `i`'s list. Lists hold at most `u32::MAX` items in all (far beyond the
    /// memory of a run that relates that many).
    pub fn set(&mut self, i: usize, list: &[T]) {
        let start = u32::try_from(self.all.len()).unwrap_or(UNSET - 1);
        self.at[i] = (start, list.len() as u32);
        self.all.extend_from_slice(list);
    }

    /// Whether rule `i`'s list was set.
    pub fn is_set(&self, i: usize) -> bool {
        self.at[i].0 != UNSET
    }

    /// Rule `i`'s list (empty where none was set).
    pub fn get(&self, i: usize) -> &[T] {
        match self.at[i] {
            (UNSET, _) => &[],
            (s, l) => &self.all[s as usize..s as usize + l as usize],
        }
    }

    /// Make room for `more` items in all, at once. Room reserved and never used costs
    /// address space only: its pages are never touched.
    pub fn reserve(&mut self, more: usize) {
        self.all.reserve_exact(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_set_out_of_order_read_back() {
        let mut f: Flat<u32> = Flat::new(4);
        f.set(2, &[7, 8]);
        f.set(0, &[]);
        f.set(3, &[9]);
        assert_eq!(f.get(2), &[7, 8]);
        assert_eq!(f.get(3), &[9]);
        assert!(f.is_set(0) && f.get(0).is_empty());
        assert!(!f.is_set(1) && f.get(1).is_empty());
    }
}
