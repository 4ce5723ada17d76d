//! Query helpers shared by every resource.

use deadpool_postgres::GenericClient;
use switchboard_store::{PageRequest, PageSlice, Result};
use switchboard_wire::page::Cursor;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::pg_error;

pub type Param = Box<dyn ToSql + Sync + Send>;

/// A conjunction of SQL conditions; `$` in a condition becomes its parameter's number.
#[derive(Default)]
pub struct Filter {
    conds: Vec<String>,
    args: Vec<Param>,
}

impl Filter {
    pub fn new(cond: &str, arg: impl ToSql + Sync + Send + 'static) -> Self {
        let mut f = Filter::default();
        f.and(cond, arg);
        f
    }

    /// Add `cond`, whose one `$` is bound to `arg`.
    pub fn and(&mut self, cond: &str, arg: impl ToSql + Sync + Send + 'static) -> &mut Self {
        self.args.push(Box::new(arg));
        self.conds
            .push(cond.replacen('$', &format!("${}", self.args.len()), 1));
        self
    }

    /// Add `cond`, whose `$`s are bound to `args` in order.
    pub fn and_all(&mut self, cond: &str, args: Vec<Param>) -> &mut Self {
        let mut out = String::new();
        let mut rest = cond;
        for a in args {
            let (head, tail) = rest.split_once('$').expect("a $ per argument");
            self.args.push(a);
            out.push_str(head);
            out.push_str(&format!("${}", self.args.len()));
            rest = tail;
        }
        out.push_str(rest);
        self.conds.push(out);
        self
    }

    pub fn and_sql(&mut self, cond: &str) -> &mut Self {
        self.conds.push(cond.to_owned());
        self
    }

    pub fn and_opt(
        &mut self,
        cond: &str,
        arg: Option<impl ToSql + Sync + Send + 'static>,
    ) -> &mut Self {
        if let Some(a) = arg {
            self.and(cond, a);
        }
        self
    }
}

/// Run a statement through the connection's statement cache: a plain `execute(&str)` would
/// prepare it again each time, one more round trip (while row locks are held).
pub async fn exec(
    c: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64> {
    let st = c.prepare_cached(sql).await.map_err(pg_error)?;
    c.execute(&st, params).await.map_err(pg_error)
}

/// Rows of a cached statement.
pub async fn rows(
    c: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>> {
    let st = c.prepare_cached(sql).await.map_err(pg_error)?;
    c.query(&st, params).await.map_err(pg_error)
}

/// At most one row of a cached statement.
pub async fn row_opt(
    c: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Option<Row>> {
    let st = c.prepare_cached(sql).await.map_err(pg_error)?;
    c.query_opt(&st, params).await.map_err(pg_error)
}

/// How a list reads its rows: `select` is a `SELECT ... FROM ...` whose rows the page's
/// `map` reads, `key` the integer column the list is ordered by, descending when
/// `newest_first` (as Twilio lists calls and messages).
pub struct List<'a> {
    pub select: &'a str,
    pub key: &'a str,
    pub newest_first: bool,
}

/// One keyset page of `list`.
pub async fn keyset_page<T>(
    c: &impl GenericClient,
    list: &List<'_>,
    mut filter: Filter,
    req: PageRequest,
    map: impl Fn(&Row) -> Result<T>,
    key_of: impl Fn(&T) -> i64,
) -> Result<PageSlice<T>> {
    let (select, key, newest_first) = (list.select, list.key, list.newest_first);
    match req.cursor {
        Cursor::Start => {}
        Cursor::After(k) => {
            filter.and(
                &format!("{key} {} $", if newest_first { "<" } else { ">" }),
                k,
            );
        }
        Cursor::Before(k) => {
            filter.and(
                &format!("{key} {} $", if newest_first { ">" } else { "<" }),
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
            "TRUE".to_string()
        } else {
            filter.conds.join(" AND ")
        },
        req.fetch_limit()
    );
    let params: Vec<&(dyn ToSql + Sync)> = filter.args.iter().map(|a| &**a as _).collect();
    let found = rows(c, &sql, &params).await?;
    let items = found.iter().map(map).collect::<Result<Vec<_>>>()?;
    Ok(PageSlice::from_rows(items, req, key_of))
}
