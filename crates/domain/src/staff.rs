//! Staff roles, what each may do, and how far each one sees: clerks, reviewers and heads
//! inside their own department, supervisors and administrators across all of them.
use crate::ids::StaffId;

use super::error::{AppError, ErrorCode};
use super::text::LocalizedText;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
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

    pub fn label(self, locale: i18n::Locale) -> &'static str {
        use i18n::td_string;
        match self {
            StaffRole::Clerk => td_string!(locale, console.role_clerk),
            StaffRole::Reviewer => td_string!(locale, console.role_reviewer),
            StaffRole::DepartmentHead => td_string!(locale, console.role_department_head),
            StaffRole::Supervisor => td_string!(locale, console.role_supervisor),
            StaffRole::Administrator => td_string!(locale, console.role_administrator),
        }
    }

    /// Clerks, reviewers and heads work inside one department; the others see all of them.
    pub fn is_department_scoped(self) -> bool {
        matches!(
            self,
            StaffRole::Clerk | StaffRole::Reviewer | StaffRole::DepartmentHead
        )
    }
}

/// Everything a member of staff can be allowed to do in the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ViewQueue,
    ViewCase,
    Accept,
    RequestSupplement,
    Approve,
    Reject,
    Complete,
    Assign,
    Comment,
    ViewResident,
    /// Show a masked ID number or mobile in full (with a reason, recorded).
    RevealPersonalData,
    EditTags,
    SearchAudit,
    ManageCatalog,
    ManageStaffSessions,
    /// See ratings, bad reviews and their rectifications (the rater stays anonymous).
    ViewRatings,
    /// Classify and answer a bad review, or appeal it.
    AnswerRectification,
    /// Decide appeals and escalated rectifications; see who rated.
    OverseeRatings,
    /// Build, schedule and read surveys.
    ManageSurveys,
    /// Build and count segments of residents (事项找人), with a masked sample of members.
    ManageSegments,
    /// Approve a campaign that reaches more residents than the approval threshold.
    ApproveCampaigns,
    /// Confirm, with the person and their ID card at the window, an online claim of a
    /// register record (身份核验).
    CheckIdentity,
    /// See the management figures of the scope (监测 · 决策): the backlog forecast and the
    /// monthly report.
    ViewForecasts,
    /// Draft an eligibility rule with a benefit and see whom it would reach and what it
    /// would cost (政策模拟); nothing is sent.
    SimulatePolicies,
}

impl Permission {
    pub const ALL: [Permission; 24] = [
        Permission::ViewQueue,
        Permission::ViewCase,
        Permission::Accept,
        Permission::RequestSupplement,
        Permission::Approve,
        Permission::Reject,
        Permission::Complete,
        Permission::Assign,
        Permission::Comment,
        Permission::ViewResident,
        Permission::RevealPersonalData,
        Permission::EditTags,
        Permission::SearchAudit,
        Permission::ManageCatalog,
        Permission::ManageStaffSessions,
        Permission::ViewRatings,
        Permission::AnswerRectification,
        Permission::OverseeRatings,
        Permission::ManageSurveys,
        Permission::ManageSegments,
        Permission::ApproveCampaigns,
        Permission::CheckIdentity,
        Permission::ViewForecasts,
        Permission::SimulatePolicies,
    ];
}

impl StaffRole {
    /// The access matrix. Clerks take cases in (accept, ask for missing materials, hand out
    /// the result); reviewers decide; heads do both in their department; supervisors read
    /// everything, comment and search the audit log but decide nothing; administrators keep
    /// the catalogue and the staff sessions.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            StaffRole::Clerk => matches!(
                permission,
                ViewQueue
                    | ViewCase
                    | Accept
                    | RequestSupplement
                    | Complete
                    | Assign
                    | Comment
                    | ViewResident
                    | RevealPersonalData
                    | EditTags
                    | ViewRatings
                    | AnswerRectification
                    | CheckIdentity
            ),
            StaffRole::Reviewer => matches!(
                permission,
                ViewQueue
                    | ViewCase
                    | RequestSupplement
                    | Approve
                    | Reject
                    | Assign
                    | Comment
                    | ViewResident
                    | RevealPersonalData
                    | EditTags
                    | ViewRatings
                    | AnswerRectification
            ),
            StaffRole::DepartmentHead => matches!(
                permission,
                ViewQueue
                    | ViewCase
                    | Accept
                    | RequestSupplement
                    | Approve
                    | Reject
                    | Complete
                    | Assign
                    | Comment
                    | ViewResident
                    | RevealPersonalData
                    | EditTags
                    | ViewRatings
                    | AnswerRectification
                    | ManageSurveys
                    | ManageSegments
                    | CheckIdentity
                    | ViewForecasts
                    | SimulatePolicies
            ),
            StaffRole::Supervisor => matches!(
                permission,
                ViewQueue
                    | ViewCase
                    | Comment
                    | ViewResident
                    | RevealPersonalData
                    | SearchAudit
                    | ViewRatings
                    | OverseeRatings
                    | ManageSurveys
                    | ManageSegments
                    | ApproveCampaigns
                    | ViewForecasts
                    | SimulatePolicies
            ),
            StaffRole::Administrator => matches!(
                permission,
                ViewQueue
                    | ViewCase
                    | ViewResident
                    | SearchAudit
                    | ManageCatalog
                    | ManageStaffSessions
                    | ViewRatings
            ),
        }
    }
}

/// A signed-in member of staff, as every console query sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: StaffId,
    pub username: String,
    pub name: String,
    pub role: StaffRole,
    pub department_id: Option<i64>,
    pub department: Option<LocalizedText>,
}

/// How far a member of staff sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Department(i64),
    All,
}

impl Scope {
    pub fn department(self) -> Option<i64> {
        match self {
            Scope::Department(id) => Some(id),
            Scope::All => None,
        }
    }

    pub fn covers(self, department_id: i64) -> bool {
        match self {
            Scope::Department(id) => id == department_id,
            Scope::All => true,
        }
    }
}

impl StaffMember {
    /// The member's scope; a department role without a department sees nothing.
    pub fn scope(&self) -> Result<Scope, AppError> {
        match (self.role.is_department_scoped(), self.department_id) {
            (false, _) => Ok(Scope::All),
            (true, Some(id)) => Ok(Scope::Department(id)),
            (true, None) => Err(AppError::new(ErrorCode::Forbidden)),
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.role.may(permission)
    }

    /// The scope, if the member may do `permission` at all; 403 otherwise.
    pub fn require(&self, permission: Permission) -> Result<Scope, AppError> {
        if self.may(permission) {
            self.scope()
        } else {
            Err(AppError::new(ErrorCode::Forbidden))
        }
    }
}

crate::stored::stored_as_words!(StaffRole);

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: StaffRole, department_id: Option<i64>) -> StaffMember {
        StaffMember {
            id: StaffId(1),
            username: "x".into(),
            name: "x".into(),
            role,
            department_id,
            department: None,
        }
    }

    #[test]
    fn department_roles_see_their_department_and_the_others_all() {
        assert_eq!(
            member(StaffRole::Clerk, Some(3)).scope(),
            Ok(Scope::Department(3))
        );
        assert!(member(StaffRole::Reviewer, None).scope().is_err());
        assert_eq!(member(StaffRole::Supervisor, None).scope(), Ok(Scope::All));
        assert_eq!(
            member(StaffRole::Administrator, Some(2)).scope(),
            Ok(Scope::All)
        );
        assert!(Scope::Department(3).covers(3) && !Scope::Department(3).covers(4));
    }

    #[test]
    fn only_reviewers_and_heads_decide_and_only_administrators_keep_the_catalogue() {
        let deciders: Vec<_> = StaffRole::ALL
            .into_iter()
            .filter(|r| r.may(Permission::Approve) && r.may(Permission::Reject))
            .collect();
        assert_eq!(
            deciders,
            vec![StaffRole::Reviewer, StaffRole::DepartmentHead]
        );
        let keepers: Vec<_> = StaffRole::ALL
            .into_iter()
            .filter(|r| r.may(Permission::ManageCatalog))
            .collect();
        assert_eq!(keepers, vec![StaffRole::Administrator]);
        assert!(!StaffRole::Supervisor.may(Permission::Accept));
        assert!(StaffRole::Supervisor.may(Permission::SearchAudit));
        assert!(!StaffRole::Clerk.may(Permission::SearchAudit));
        let require = member(StaffRole::Clerk, Some(1)).require(Permission::Approve);
        assert_eq!(require.map_err(|e| e.code), Err(ErrorCode::Forbidden));
    }

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
