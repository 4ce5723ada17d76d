//! Keyset paging shared by every list: stores fetch one row more than asked to learn
//! whether another page exists, in the direction of travel.

use switchboard_wire::page::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub size: u32,
    pub cursor: Cursor,
}

impl PageRequest {
    pub fn first(size: u32) -> Self {
        PageRequest {
            size,
            cursor: Cursor::Start,
        }
    }

    /// How many rows a store should fetch: one more than the page holds.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.size) + 1
    }

    /// True when rows must be read in descending key order (a previous page).
    pub fn descending(&self) -> bool {
        matches!(self.cursor, Cursor::Before(_))
    }
}

/// One page of rows in ascending key order, with whether pages exist on either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSlice<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
    /// Sort keys of the first and last items, for the next/previous tokens.
    pub first_key: Option<i64>,
    pub last_key: Option<i64>,
}

impl<T> PageSlice<T> {
    /// Build a page from rows a store fetched with [`PageRequest::fetch_limit`], in the
    /// order the cursor implies (descending for `Before`). `key` gives each row's sort key.
    pub fn from_rows(mut rows: Vec<T>, req: PageRequest, key: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() > req.size as usize;
        rows.truncate(req.size as usize);
        Self::from_page(rows, more, req, key)
    }

    /// As [`PageSlice::from_rows`], from at most a page of rows and whether more were found
    /// (a store that saw the extra row need not have read it into a `T`).
    pub fn from_page(
        mut rows: Vec<T>,
        more: bool,
        req: PageRequest,
        key: impl Fn(&T) -> i64,
    ) -> Self {
        if req.descending() {
            rows.reverse();
        }
        let (has_next, has_previous) = match req.cursor {
            Cursor::Start => (more, false),
            Cursor::After(_) => (more, true),
            Cursor::Before(_) => (true, more),
        };
        PageSlice {
            first_key: rows.first().map(&key),
            last_key: rows.last().map(&key),
            items: rows,
            has_next,
            has_previous,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> PageSlice<U> {
        PageSlice {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
            first_key: self.first_key,
            last_key: self.last_key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_pages_know_when_more_follow() {
        let req = PageRequest::first(2);
        let p = PageSlice::from_rows(vec![1, 2, 3], req, |x| *x);
        assert_eq!(p.items, vec![1, 2]);
        assert!(p.has_next && !p.has_previous);
        assert_eq!((p.first_key, p.last_key), (Some(1), Some(2)));
        let p = PageSlice::from_rows(vec![1, 2], req, |x| *x);
        assert!(!p.has_next);
    }

    #[test]
    fn backward_pages_come_back_ascending() {
        let req = PageRequest {
            size: 2,
            cursor: Cursor::Before(5),
        };
        let p = PageSlice::from_rows(vec![4, 3, 2], req, |x| *x);
        assert_eq!(p.items, vec![3, 4]);
        assert!(p.has_next && p.has_previous);
        let p = PageSlice::from_rows(vec![2, 1], req, |x| *x);
        assert_eq!(p.items, vec![1, 2]);
        assert!(!p.has_previous);
    }
}
