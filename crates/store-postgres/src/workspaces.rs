//! TaskRouter Workspaces on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, Filter, List};
use crate::{pg_error, pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, friendly_name, event_callback_url, \
     events_filter, multi_task_enabled, prioritize_queue_order, default_activity_sid, \
     timeout_activity_sid, date_created, date_updated FROM workspaces";

fn record(r: &Row) -> Result<WorkspaceRecord> {
    Ok(WorkspaceRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        friendly_name: r.get(3),
        event_callback_url: r.get(4),
        events_filter: r.get(5),
        multi_task_enabled: r.get(6),
        prioritize_queue_order: r.get(7),
        default_activity_sid: r.get(8),
        timeout_activity_sid: r.get(9),
        date_created: r.get(10),
        date_updated: r.get(11),
    })
}

async fn load(
    c: &impl GenericClient,
    account_sid: &str,
    sid: &str,
    lock: &str,
) -> Result<Option<WorkspaceRecord>> {
    let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2 {lock}");
    row_opt(c, &sql, &[&sid, &account_sid])
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

#[async_trait]
impl WorkspaceStore for PostgresStore {
    async fn create_workspace(&self, w: WorkspaceRecord) -> Result<WorkspaceRecord> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let row = row_opt(
            &c,
            "INSERT INTO workspaces (sid, account_sid, friendly_name, event_callback_url, events_filter, \
             multi_task_enabled, prioritize_queue_order, default_activity_sid, timeout_activity_sid, \
             date_created, date_updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq",
            &[
                &w.sid,
                &w.account_sid,
                &w.friendly_name,
                &w.event_callback_url,
                &w.events_filter,
                &w.multi_task_enabled,
                &w.prioritize_queue_order,
                &w.default_activity_sid,
                &w.timeout_activity_sid,
                &w.date_created,
                &w.date_updated,
            ],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(WorkspaceRecord {
            seq: row.get(0),
            ..w
        })
    }

    async fn workspace(&self, account_sid: &str, sid: &str) -> Result<Option<WorkspaceRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        load(&c, account_sid, sid, "").await
    }

    async fn list_workspaces(
        &self,
        account_sid: &str,
        friendly_name: Option<String>,
        req: PageRequest,
    ) -> Result<PageSlice<WorkspaceRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_opt("friendly_name = $", friendly_name);
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "seq",
                newest_first: false,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn update_workspace(
        &self,
        account_sid: &str,
        sid: &str,
        u: WorkspaceUpdate,
    ) -> Result<WorkspaceRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let mut w = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
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
        exec(
            &tx,
            "UPDATE workspaces SET friendly_name = $2, event_callback_url = $3, events_filter = $4, \
             multi_task_enabled = $5, prioritize_queue_order = $6, date_updated = $7 WHERE sid = $1",
            &[
                &w.sid,
                &w.friendly_name,
                &w.event_callback_url,
                &w.events_filter,
                &w.multi_task_enabled,
                &w.prioritize_queue_order,
                &w.date_updated,
            ],
        )
        .await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(w)
    }

    async fn delete_workspace(&self, account_sid: &str, sid: &str) -> Result<()> {
        let c = self.pool.get().await.map_err(pool_error)?;
        if exec(
            &c,
            "DELETE FROM workspaces WHERE sid = $1 AND account_sid = $2",
            &[&sid, &account_sid],
        )
        .await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
