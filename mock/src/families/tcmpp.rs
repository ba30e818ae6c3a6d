//! TCMPP's resource families (spec/tcmpp.json). Not here: mini program
//! versions (`store.rs`: their create answers a task, not a version), and
//! lists with no other verb (`DescribeDomainTeamList`, ...), which page over
//! a collection a test can seed.

use super::{Create, EMPTY, Family, Modify};

pub(super) const FAMILIES: &[Family] = &[
    Family {
        name: "Team",
        id: "TeamId",
        // CreateTeam answers nothing but RequestId: a new team is found by listing.
        creates: &[Create::silent("CreateTeam")],
        lists: &["DescribeTeamList"],
        describes: &["DescribeTeam"],
        modifies: &[Modify::plain("ModifyTeam")],
        deletes: &["DeleteTeam"],
        not_found: "InvalidParameterValue.InvalidTeamId",
        ..EMPTY
    },
    Family {
        name: "TeamMember",
        id: "UserId",
        parents: &["TeamId"],
        creates: &[
            Create::returning("CreateTeamMember", "Data.UserId"),
            Create::each("AddTeamMember", "MemberList", None),
        ],
        lists: &["DescribeTeamMemberList", "DescribeTeamMembers"],
        modifies: &[Modify::plain("ModifyTeamMember")],
        deletes: &["DeleteTeamMember"],
        // "The user is not in the specified team."
        not_found: "InvalidParameterValue.UserTeamRelationNotExist",
        aliases: &[("RoleId", "TeamRoleId"), ("UserRoleId", "TeamRoleId")],
        ..EMPTY
    },
    Family {
        name: "User",
        id: "UserId",
        creates: &[Create::returning("CreateUser", "Data.ResourceId")],
        lists: &["DescribeUserList"],
        describes: &["DescribeUser", "DescribeUserDetail"],
        modifies: &[
            Modify::plain("ModifyUser"),
            Modify::plain("ModifyUserPassword"),
        ],
        deletes: &["DeleteUser"],
        not_found: "InvalidParameterValue.InvalidUserId",
        ..EMPTY
    },
    Family {
        name: "Application",
        id: "ApplicationId",
        parents: &["TeamId"],
        creates: &[Create::returning("CreateApplication", "Data.ResourceId")],
        lists: &["DescribeApplicationList"],
        describes: &["DescribeApplication"],
        modifies: &[
            Modify::plain("ModifyApplication"),
            Modify::plain("ModifyApplicationAppKey"),
            Modify::plain("ModifyApplicationAppUrl"),
        ],
        deletes: &["DeleteApplication"],
        // "Application ID is not specified or the ID does not exist."
        not_found: "InvalidParameterValue.InvalidApplicationId",
        aliases: &[("IOSAppKey", "IosAppKey")],
        ..EMPTY
    },
    Family {
        name: "ApplicationSensitiveAPI",
        id: "APIId",
        parents: &["ApplicationId"],
        creates: &[Create::each(
            "CreateApplicationSensitiveAPI",
            "APIList",
            None,
        )],
        lists: &["DescribeApplicationSensitiveAPIList"],
        // `Status`: "0: Public; 1: Restricted".
        modifies: &[
            Modify {
                action: "EnableApplicationSensitiveAPI",
                sets: &[("Status", 0)],
            },
            Modify {
                action: "DisableApplicationSensitiveAPI",
                sets: &[("Status", 1)],
            },
        ],
        deletes: &["DeleteApplicationSensitiveAPI"],
        ..EMPTY
    },
    Family {
        name: "MNP",
        id: "MNPId",
        parents: &["TeamId"],
        creates: &[Create::returning("CreateMNP", "Data.ResourceId")],
        lists: &["DescribeMNPList", "DescribeMNPManagerList"],
        describes: &[
            "DescribeMNP",
            "DescribeMNPDetail",
            "DescribeMNPManagerDetail",
        ],
        modifies: &[
            Modify::plain("ModifyMNP"),
            Modify::plain("ModifyMNPStatusOffline"),
        ],
        deletes: &["DeleteMNP", "RemoveMNP"],
        not_found: "InvalidParameterValue.InvalidMNPId",
        ..EMPTY
    },
    Family {
        name: "GlobalDomain",
        id: "DomainId",
        creates: &[Create::each(
            "CreateGlobalDomain",
            "DomainUrlList",
            Some("DomainURL"),
        )],
        lists: &["DescribeGlobalDomainList"],
        ..EMPTY
    },
    Family {
        name: "GlobalDomainACL",
        id: "DomainId",
        creates: &[Create::each(
            "CreateGlobalDomainACL",
            "DomainUrlList",
            Some("DomainUrl"),
        )],
        lists: &["DescribeGlobalDomainACL"],
        // Their examples name a domain of DescribeGlobalDomainACL's.
        modifies: &[Modify::plain("ModifyGlobalDomain")],
        deletes: &["DeleteGlobalDomain"],
        ..EMPTY
    },
    Family {
        name: "SensitiveAPI",
        id: "ApiId",
        parents: &["ApplicationId"],
        creates: &[Create::each("CreateSensitiveAPI", "ApiList", None)],
        lists: &["DescribeSensitiveAPIList"],
        deletes: &["DeleteSensitiveAPI"],
        ..EMPTY
    },
    Family {
        name: "MNPApproval",
        id: "ApprovalNo",
        creates: &[Create::silent("CreateMNPApproval")],
        lists: &["DescribeMNPApprovalList"],
        modifies: &[Modify::plain("ProcessMNPApproval")],
        not_found: "InvalidParameterValue.InvalidApprovalNo",
        ..EMPTY
    },
    Family {
        name: "MNPSensitiveAPIPermissionApproval",
        id: "ApprovalNo",
        creates: &[Create::returning(
            "CreateMNPSensitiveAPIPermissionApproval",
            "Data.ResourceId",
        )],
        lists: &["DescribeMNPSensitiveAPIPermissionApprovalList"],
        describes: &["DescribeMNPSensitiveAPIPermissionApproval"],
        modifies: &[Modify::plain("ProcessMNPSensitiveAPIPermissionApproval")],
        not_found: "InvalidParameterValue.InvalidApprovalNo",
        ..EMPTY
    },
    Family {
        name: "SensitiveApiApply",
        id: "AuditNo",
        creates: &[Create::returning(
            "CreateSensitiveApiApply",
            "Data.ResourceId",
        )],
        lists: &["DescribeSensitiveAPIAuditList"],
        describes: &["DescribeSensitiveApiApplyDetail"],
        modifies: &[Modify::plain("ModifySensitiveAPIAuditStatus")],
        ..EMPTY
    },
    Family {
        name: "PlatformAudit",
        id: "AuditNo",
        creates: &[Create::silent("CreatePlatformAudit")],
        lists: &["DescribeApplicationMNPVersionAuditList"],
        modifies: &[Modify::plain("ModifyPlatformAuditStatus")],
        aliases: &[("AuditResult", "AuditStatus")],
        ..EMPTY
    },
    Family {
        name: "TeamDomain",
        id: "DomainId",
        parents: &["TeamId"],
        lists: &["DescribeTeamDomainList"],
        modifies: &[Modify::plain("DisableTeamDomain")],
        ..EMPTY
    },
    Family {
        name: "Role",
        id: "RoleId",
        parents: &["TeamId"],
        lists: &["DescribeRoleList"],
        describes: &["DescribeRoleDetail"],
        not_found: "InvalidParameterValue.InvalidRoleId",
        ..EMPTY
    },
    Family {
        name: "MNPPreview",
        id: "MNPVersionId",
        parents: &["MNPId"],
        // Configured for a version the request names.
        creates: &[Create::silent("ConfigureMNPPreview")],
        describes: &["DescribeMNPPreview", "DescribeMNPVersionPreview"],
        modifies: &[Modify::plain("ModifyMNPVersionPreview")],
        // "The mini program version ID is empty or the version does not exist."
        not_found: "InvalidParameterValue.InvalidMNPVersionId",
        // The request's spelling, and the answer's.
        aliases: &[("PreivewEntrancePath", "PreviewEntrancePath")],
        ..EMPTY
    },
];
