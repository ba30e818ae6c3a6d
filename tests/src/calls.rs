//! The two seeded actions as the tests call them, on the seed's mini
//! program: one place for what several suites send.

use tcmpp_api::actions::create_mnp_version::{CreateMnpVersionError, CreateMnpVersionOutput};
use tcmpp_api::actions::describe_mnp_all_stage_versions::{
    DescribeMnpAllStageVersionsError, DescribeMnpAllStageVersionsOutput,
};
use tcmpp_api::{Client, SdkError};

/// The seed's mini program.
pub const MNP: &str = "mpg9yjc0qbpkelik";
/// The seed's platform.
pub const PLATFORM: &str = "T04257DS9431720WTAG";

/// Lists the seed mini program's versions.
pub async fn describe(
    c: &Client,
) -> Result<DescribeMnpAllStageVersionsOutput, SdkError<DescribeMnpAllStageVersionsError>> {
    c.describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
}

/// Creates `version` of the seed mini program, introduced as `intro`.
pub async fn create(
    c: &Client,
    version: &str,
    intro: &str,
) -> Result<CreateMnpVersionOutput, SdkError<CreateMnpVersionError>> {
    c.create_mnp_version()
        .mnp_id(MNP)
        .mnp_version(version)
        .file_url("https://files.example.com/a.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro(intro)
        .send()
        .await
}
