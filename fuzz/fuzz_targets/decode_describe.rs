//! Any answer body decodes to an output or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tencentcloud_runtime::__private::decode_response;
use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersions;

fuzz_target!(|data: &[u8]| {
    let _ = decode_response::<DescribeMnpAllStageVersions>(200, None, bytes::Bytes::copy_from_slice(data));
});
