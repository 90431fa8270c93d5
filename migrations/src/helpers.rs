//! Small builders that keep the migrations readable.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// A 64-bit auto-increment `id` primary key.
pub fn id() -> ColumnDef {
    big_pk_auto("id")
}

/// A non-null reference to `table(id)`.
pub fn reference(column: &'static str) -> ColumnDef {
    big_integer(column)
}

/// A nullable reference to `table(id)`.
pub fn optional_reference(column: &'static str) -> ColumnDef {
    big_integer_null(column)
}

/// `created_at` set by the database when the row is inserted.
pub fn created_at() -> ColumnDef {
    timestamp_with_time_zone("created_at")
        .default(Expr::current_timestamp())
        .take()
}

pub fn updated_at() -> ColumnDef {
    timestamp_with_time_zone("updated_at")
        .default(Expr::current_timestamp())
        .take()
}

/// A foreign key from `table.column` to `target.id`. A parent with children cannot be
/// deleted; the check runs at the end of the statement (NO ACTION, not RESTRICT), so a
/// statement that removes a whole subtree at once succeeds.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::NoAction)
        .take()
}

/// A foreign key that goes away with its parent row (join tables, owned details).
pub fn fk_cascade(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    fk(table, column, target)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

/// An index named after its table and columns.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(table)
        .if_not_exists();
    for column in columns {
        index.col(*column);
    }
    index.take()
}

pub fn unique_index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = index(table, columns);
    index
        .name(format!("uq_{table}_{}", columns.join("_")))
        .unique();
    index
}

/// Creates the tables, then their indexes.
pub async fn create(
    manager: &SchemaManager<'_>,
    tables: Vec<TableCreateStatement>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for table in tables {
        manager.create_table(table).await?;
    }
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the tables in reverse order of creation.
pub async fn drop(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables.iter().rev() {
        manager
            .drop_table(Table::drop().table(*table).if_exists().take())
            .await?;
    }
    Ok(())
}
