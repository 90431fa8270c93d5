//! Multi-row INSERTs: rows are buffered and written a batch at a time.

use sea_orm::sea_query::{InsertStatement, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DbErr, Value};

/// Largest number of bound parameters per statement (SQLite allows 32 766, PostgreSQL 65 535).
const MAX_PARAMS: usize = 30_000;

pub struct BulkInsert {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
    rows_per_batch: usize,
    pub written: u64,
}

impl BulkInsert {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            rows: Vec::new(),
            rows_per_batch: (MAX_PARAMS / columns.len()).clamp(1, 2000),
            written: 0,
        }
    }

    /// Buffers one row (values in column order); writes a batch when it is full.
    pub async fn push(&mut self, db: &impl ConnectionTrait, row: Vec<Value>) -> Result<(), DbErr> {
        if row.len() != self.columns.len() {
            return Err(DbErr::Custom(format!(
                "{}: {} values for {} columns",
                self.table,
                row.len(),
                self.columns.len()
            )));
        }
        self.rows.push(row);
        if self.rows.len() >= self.rows_per_batch {
            self.flush(db).await?;
        }
        Ok(())
    }

    /// Whether the next `push` writes a batch: flush the tables this one references first.
    pub fn is_almost_full(&self) -> bool {
        self.rows.len() + 8 >= self.rows_per_batch
    }

    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut insert: InsertStatement = Query::insert();
        insert
            .into_table(self.table)
            .columns(self.columns.iter().copied());
        let count = self.rows.len();
        for row in self.rows.drain(..) {
            insert
                .values(row.into_iter().map(SimpleExpr::from))
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        db.execute(&insert).await?;
        self.written += count as u64;
        Ok(())
    }
}
