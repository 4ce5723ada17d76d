//! TaskRouter Workspaces on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::*;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

const SELECT: &str = "SELECT seq, sid, account_sid, friendly_name, event_callback_url, \
     events_filter, multi_task_enabled, prioritize_queue_order, default_activity_sid, \
     timeout_activity_sid, date_created, date_updated FROM workspaces";

fn row(r: &Row<'_>) -> rusqlite::Result<WorkspaceRecord> {
    Ok(WorkspaceRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        friendly_name: r.get(3)?,
        event_callback_url: r.get(4)?,
        events_filter: r.get(5)?,
        multi_task_enabled: r.get(6)?,
        prioritize_queue_order: r.get(7)?,
        default_activity_sid: r.get(8)?,
        timeout_activity_sid: r.get(9)?,
        date_created: r.get(10)?,
        date_updated: r.get(11)?,
    })
}

fn load(c: &Connection, account_sid: &str, sid: &str) -> Result<Option<WorkspaceRecord>> {
    c.prepare_cached(&format!("{SELECT} WHERE sid = ?1 AND account_sid = ?2"))
        .and_then(|mut st| st.query_row([sid, account_sid], row).optional())
        .map_err(sql_error)
}

#[async_trait]
impl WorkspaceStore for SqliteStore {
    async fn create_workspace(&self, w: WorkspaceRecord) -> Result<WorkspaceRecord> {
        self.writer
            .write(move |c| {
                c.prepare_cached(
                    "INSERT INTO workspaces (sid, account_sid, friendly_name, event_callback_url, \
                     events_filter, multi_task_enabled, prioritize_queue_order, default_activity_sid, \
                     timeout_activity_sid, date_created, date_updated) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        w.sid,
                        w.account_sid,
                        w.friendly_name,
                        w.event_callback_url,
                        w.events_filter,
                        w.multi_task_enabled,
                        w.prioritize_queue_order,
                        w.default_activity_sid,
                        w.timeout_activity_sid,
                        w.date_created,
                        w.date_updated
                    ])
                })
                .map_err(sql_error)?;
                Ok(WorkspaceRecord { seq: c.last_insert_rowid(), ..w })
            })
            .await
    }

    async fn workspace(&self, account_sid: &str, sid: &str) -> Result<Option<WorkspaceRecord>> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.readers.read(move |c| load(c, &a, &s)).await
    }

    async fn list_workspaces(
        &self,
        account_sid: &str,
        friendly_name: Option<String>,
        req: PageRequest,
    ) -> Result<PageSlice<WorkspaceRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_opt("friendly_name = ?", friendly_name);
        self.readers
            .read(move |c| {
                keyset_page(
                    c,
                    &List {
                        select: SELECT,
                        key: "seq",
                        newest_first: false,
                    },
                    f,
                    req,
                    row,
                    |r| r.seq,
                )
            })
            .await
    }

    async fn update_workspace(
        &self,
        account_sid: &str,
        sid: &str,
        u: WorkspaceUpdate,
    ) -> Result<WorkspaceRecord> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let mut w = load(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                if let Some(v) = u.friendly_name {
                    w.friendly_name = v;
                }
                if let Some(v) = u.event_callback_url {
                    w.event_callback_url = v;
                }
                if let Some(v) = u.events_filter {
                    w.events_filter = v;
                }
                if let Some(v) = u.multi_task_enabled {
                    w.multi_task_enabled = v;
                }
                if let Some(v) = u.prioritize_queue_order {
                    w.prioritize_queue_order = v;
                }
                w.date_updated = u.now;
                c.prepare_cached(
                    "UPDATE workspaces SET friendly_name = ?2, event_callback_url = ?3, events_filter = ?4, \
                     multi_task_enabled = ?5, prioritize_queue_order = ?6, date_updated = ?7 WHERE sid = ?1",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        w.sid,
                        w.friendly_name,
                        w.event_callback_url,
                        w.events_filter,
                        w.multi_task_enabled,
                        w.prioritize_queue_order,
                        w.date_updated
                    ])
                })
                .map_err(sql_error)?;
                Ok(w)
            })
            .await
    }

    async fn delete_workspace(&self, account_sid: &str, sid: &str) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let gone = c
                    .prepare_cached("DELETE FROM workspaces WHERE sid = ?1 AND account_sid = ?2")
                    .and_then(|mut st| st.execute([&s, &a]))
                    .map_err(sql_error)?;
                if gone == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }
}
