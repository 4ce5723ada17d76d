//! Query helpers shared by every resource.

use rusqlite::types::Value;
use rusqlite::{Connection, Row};
use switchboard_store::{PageRequest, PageSlice, Result};
use switchboard_wire::page::Cursor;

use crate::worker::sql_error;

/// A conjunction of SQL conditions with their `?` parameters, in order.
#[derive(Default)]
pub struct Filter {
    conds: Vec<String>,
    args: Vec<Value>,
}

impl Filter {
    pub fn new(cond: &str, arg: impl Into<Value>) -> Self {
        let mut f = Filter::default();
        f.and(cond, arg);
        f
    }

    /// Add `cond` with one `?` bound to `arg`.
    pub fn and(&mut self, cond: &str, arg: impl Into<Value>) -> &mut Self {
        self.conds.push(cond.to_owned());
        self.args.push(arg.into());
        self
    }

    /// Add `cond` with one `?` per value of `args`, in order.
    pub fn and_all(&mut self, cond: &str, args: Vec<Value>) -> &mut Self {
        self.conds.push(cond.to_owned());
        self.args.extend(args);
        self
    }

    /// Add a condition without parameters.
    pub fn and_sql(&mut self, cond: &str) -> &mut Self {
        self.conds.push(cond.to_owned());
        self
    }

    pub fn and_opt(&mut self, cond: &str, arg: Option<impl Into<Value>>) -> &mut Self {
        if let Some(a) = arg {
            self.and(cond, a);
        }
        self
    }
}

/// How a list reads its rows: `select` is a `SELECT ... FROM ...` whose rows the page's
/// `map` reads, `key` the integer column the list is ordered by, descending when
/// `newest_first` (as Twilio lists calls and messages).
pub struct List<'a> {
    pub select: &'a str,
    pub key: &'a str,
    pub newest_first: bool,
}

/// One keyset page of `list` (the `seq` of the listed table).
pub fn keyset_page<T>(
    conn: &Connection,
    list: &List<'_>,
    mut filter: Filter,
    req: PageRequest,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    key_of: impl Fn(&T) -> i64,
) -> Result<PageSlice<T>> {
    let (select, key, newest_first) = (list.select, list.key, list.newest_first);
    match req.cursor {
        Cursor::Start => {}
        Cursor::After(k) => {
            filter.and(
                &format!("{key} {} ?", if newest_first { "<" } else { ">" }),
                k,
            );
        }
        Cursor::Before(k) => {
            filter.and(
                &format!("{key} {} ?", if newest_first { ">" } else { "<" }),
                k,
            );
        }
    }
    // A previous page is read backwards from its cursor, then turned round by PageSlice.
    let order = if req.descending() != newest_first {
        "DESC"
    } else {
        "ASC"
    };
    let sql = format!(
        "{select} WHERE {} ORDER BY {key} {order} LIMIT {}",
        if filter.conds.is_empty() {
            "1 = 1".to_string()
        } else {
            filter.conds.join(" AND ")
        },
        req.fetch_limit()
    );
    // The extra row only says that more follow: it is not read into a `T`.
    let size = req.size as usize;
    let mut map = map;
    let (rows, more) = conn
        .prepare_cached(&sql)
        .and_then(|mut st| {
            let mut found = st.query(rusqlite::params_from_iter(filter.args))?;
            let mut rows = Vec::with_capacity(size.min(64));
            while let Some(r) = found.next()? {
                if rows.len() == size {
                    return Ok((rows, true));
                }
                rows.push(map(r)?);
            }
            Ok((rows, false))
        })
        .map_err(sql_error)?;
    Ok(PageSlice::from_page(rows, more, req, key_of))
}
