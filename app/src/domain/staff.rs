//! Staff roles and what each may see.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 窗口受理: accepts and checks applications of one department.
    Clerk,
    /// 审核: decides applications of one department.
    Reviewer,
    /// 部门负责人: one department's figures and queue.
    DepartmentHead,
    /// 督查: all departments, escalations, ratings.
    Supervisor,
    /// 管理员: everything, including the catalogue and staff accounts.
    Administrator,
}

impl StaffRole {
    pub const ALL: [StaffRole; 5] = [
        StaffRole::Clerk,
        StaffRole::Reviewer,
        StaffRole::DepartmentHead,
        StaffRole::Supervisor,
        StaffRole::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Clerk => "clerk",
            StaffRole::Reviewer => "reviewer",
            StaffRole::DepartmentHead => "department_head",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Clerks, reviewers and heads work inside one department; the others see all of them.
    pub fn is_department_scoped(self) -> bool {
        matches!(
            self,
            StaffRole::Clerk | StaffRole::Reviewer | StaffRole::DepartmentHead
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_scope() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert!(StaffRole::Clerk.is_department_scoped());
        assert!(StaffRole::DepartmentHead.is_department_scoped());
        assert!(!StaffRole::Supervisor.is_department_scoped());
        assert!(!StaffRole::Administrator.is_department_scoped());
    }
}
