//! SQL building blocks the aggregates share.
use sea_orm::Condition;
use sea_orm::sea_query::{Expr, Func};

/// `SUM(CASE WHEN condition THEN 1 ELSE 0 END)`. The 1 and 0 are literals, not parameters:
/// PostgreSQL could not type a parameter inside SUM.
pub(crate) fn count_where(condition: Condition) -> Expr {
    Func::sum(Expr::case(condition, Expr::cust("1")).finally(Expr::cust("0"))).into()
}
