//! TCSAS's resource families (spec/tcsas.json), written against its own
//! actions and codes: TCSAS has mini games (`MNG`) beside mini programs,
//! no `CreateTeamMember`, and `FailedOperation.UserNotFound`. Not here: mini
//! program versions (`store.rs`) and lists with no other verb, which page
//! over a collection a test can seed.

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
        creates: &[Create::each("AddTeamMember", "MemberList", None)],
        lists: &["DescribeTeamMemberList"],
        modifies: &[Modify::plain("ModifyTeamMember")],
        deletes: &["DeleteTeamMember"],
        aliases: &[("RoleId", "TeamRoleId"), ("UserRoleId", "TeamRoleId")],
        ..EMPTY
    },
    Family {
        name: "User",
        id: "UserId",
        creates: &[Create::returning("CreateUser", "Data.ResourceId")],
        lists: &["DescribeUserList"],
        describes: &["DescribeUser"],
        modifies: &[Modify::plain("ModifyUser")],
        deletes: &["DeleteUser"],
        not_found: "FailedOperation.UserNotFound",
        ..EMPTY
    },
    Family {
        name: "Application",
        id: "ApplicationId",
        parents: &["TeamId"],
        creates: &[Create::returning("CreateApplication", "Data.ResourceId")],
        lists: &["DescribeApplicationList"],
        describes: &["DescribeApplication"],
        modifies: &[Modify::plain("ModifyApplication")],
        deletes: &["DeleteApplication"],
        not_found: "InvalidParameterValue.InvalidApplicationId",
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
        lists: &["DescribeMNPList"],
        describes: &["DescribeMNP"],
        modifies: &[Modify::plain("ModifyMNP")],
        deletes: &["DeleteMNP", "RemoveMNP"],
        not_found: "InvalidParameterValue.InvalidMNPId",
        ..EMPTY
    },
    Family {
        name: "MNG",
        id: "MNPId",
        parents: &["TeamId"],
        creates: &[Create::returning("CreateMNG", "Data.ResourceId")],
        lists: &["DescribeMNGList"],
        describes: &["DescribeMNG"],
        modifies: &[Modify::plain("ModifyMNG")],
        deletes: &["DeleteMNG", "RemoveMNG"],
        not_found: "InvalidParameterValue.InvalidMNPId",
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
        modifies: &[Modify::plain("ModifyGlobalDomain")],
        deletes: &["DeleteGlobalDomain"],
        ..EMPTY
    },
    Family {
        name: "MNPApproval",
        id: "ApprovalNo",
        creates: &[Create::returning("CreateMNPApproval", "Data.ApprovalNo")],
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
        name: "MNPSubscribeMessageTemplate",
        id: "TemplateId",
        parents: &["MNPId"],
        creates: &[Create::silent("CreateMNPSubscribeMessageTemplate")],
        lists: &["DescribeMNPSubscribeMessageTemplateList"],
        describes: &["DescribeMNPSubscribeMessageTemplate"],
        deletes: &["DeleteMNPSubscribeMessageTemplate"],
        ..EMPTY
    },
    Family {
        name: "MNGSubscribeMessageTemplate",
        id: "TemplateId",
        parents: &["MNPId"],
        creates: &[Create::silent("CreateMNGSubscribeMessageTemplate")],
        lists: &["DescribeMNGSubscribeMessageTemplateList"],
        describes: &["DescribeMNGSubscribeMessageTemplate"],
        deletes: &["DeleteMNGSubscribeMessageTemplate"],
        ..EMPTY
    },
    Family {
        name: "MNPSubscribeMessageTemplateLibrary",
        id: "TemplateLibraryId",
        parents: &["MNPId"],
        lists: &["DescribeMNPSubscribeMessageTemplateLibraryList"],
        describes: &["DescribeMNPSubscribeMessageTemplateLibrary"],
        ..EMPTY
    },
    Family {
        name: "MNGSubscribeMessageTemplateLibrary",
        id: "TemplateLibraryId",
        parents: &["MNPId"],
        lists: &["DescribeMNGSubscribeMessageTemplateLibraryList"],
        describes: &["DescribeMNGSubscribeMessageTemplateLibrary"],
        ..EMPTY
    },
    Family {
        name: "MNPVersionAudit",
        id: "AuditNo",
        parents: &["MNPId"],
        lists: &["DescribeMNPVersionAuditList"],
        describes: &["DescribeMNPVersionAuditDetail"],
        ..EMPTY
    },
    Family {
        name: "MNGVersionAudit",
        id: "AuditNo",
        parents: &["MNPId"],
        lists: &["DescribeMNGVersionAuditList"],
        describes: &["DescribeMNGVersionAuditDetail"],
        ..EMPTY
    },
    Family {
        name: "MNPPreview",
        id: "MNPVersionId",
        parents: &["MNPId"],
        creates: &[Create::silent("ConfigureMNPPreview")],
        describes: &["DescribeMNPPreview"],
        not_found: "InvalidParameterValue.InvalidMNPVersionId",
        aliases: &[("PreivewEntrancePath", "PreviewEntrancePath")],
        ..EMPTY
    },
    Family {
        name: "MNGPreview",
        id: "MNPVersionId",
        parents: &["MNPId"],
        creates: &[Create::silent("ConfigureMNGPreview")],
        describes: &["DescribeMNGPreview"],
        not_found: "InvalidParameterValue.InvalidMNPVersionId",
        ..EMPTY
    },
    Family {
        name: "MNPAppSecret",
        id: "MNPId",
        // One secret per mini program, named by it.
        creates: &[Create::silent("CreateMNPAppSecret")],
        describes: &["DescribeMNPAppSecret"],
        modifies: &[
            Modify::plain("ModifyMNPAppSecretStatus"),
            Modify::plain("ResetMNPAppSecret"),
        ],
        not_found: "InvalidParameterValue.InvalidMNPId",
        ..EMPTY
    },
    Family {
        name: "MNGAppSecret",
        id: "MNPId",
        creates: &[Create::silent("CreateMNGAppSecret")],
        describes: &["DescribeMNGAppSecret"],
        modifies: &[
            Modify::plain("ModifyMNGAppSecretStatus"),
            Modify::plain("ResetMNGAppSecret"),
        ],
        not_found: "InvalidParameterValue.InvalidMNPId",
        ..EMPTY
    },
];
