//! The `cargo xtask import` command, run as a process on copies of the
//! vendored upstream files: its report marks what breaks code built on the
//! generated crate, `--check` notices drift, and a new upstream action
//! reaches the generated client with no hand-written code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use tcmpp_tests::workspace_root;

/// Copies of the import's inputs and output in a temporary folder.
struct Copies {
    _dir: tempfile::TempDir,
    root: PathBuf,
    api: PathBuf,
    examples: PathBuf,
    errors: PathBuf,
    curated: PathBuf,
    spec: PathBuf,
}

impl Copies {
    fn new() -> Copies {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let ws = workspace_root();
        let copy = |from: &str, name: &str| {
            let to = root.join(name);
            fs::copy(ws.join(from), &to).unwrap();
            to
        };
        Copies {
            api: copy(
                "spec/upstream/tccli-intl-en/tcmpp/v20240801/api.json",
                "api.json",
            ),
            examples: copy(
                "spec/upstream/tccli-intl-en/tcmpp/v20240801/examples.json",
                "examples.json",
            ),
            errors: copy(
                "spec/upstream/tencentcloud-sdk-python-intl-en/tcmpp/v20240801/errorcodes.py",
                "errorcodes.py",
            ),
            curated: copy("spec/curated/tcmpp.json", "curated.json"),
            spec: copy("spec/tcmpp.json", "tcmpp.json"),
            root,
            _dir: dir,
        }
    }

    fn import(&self, check: bool) -> Output {
        let mut args = vec!["import"];
        if check {
            args.push("--check");
        }
        let paths = [
            ("--api", &self.api),
            ("--examples", &self.examples),
            ("--errors", &self.errors),
            ("--curated", &self.curated),
            ("--spec", &self.spec),
        ];
        for (flag, path) in &paths {
            args.push(flag);
            args.push(path.to_str().unwrap());
        }
        xtask(&args)
    }

    /// Edits the copied `api.json`.
    fn edit_api(&self, f: impl FnOnce(&mut Value)) {
        edit_json(&self.api, f);
    }
}

fn edit_json(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The report's change lines (after `changes against …:`), trimmed.
fn change_lines(out: &str) -> Vec<String> {
    out.lines()
        .skip_while(|l| !l.starts_with("changes against "))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_owned())
        .collect()
}

/// The request members of `action` in an `api.json`.
fn request_members<'a>(api: &'a mut Value, action: &str) -> &'a mut Vec<Value> {
    let input = api["actions"][action]["input"].as_str().unwrap().to_owned();
    api["objects"][input]["members"].as_array_mut().unwrap()
}

fn member<'a>(api: &'a mut Value, action: &str, name: &str) -> &'a mut Value {
    request_members(api, action)
        .iter_mut()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("{action} has no request member {name}"))
}

fn new_member(name: &str, required: bool) -> Value {
    json!({
        "disabled": false, "document": format!("{name}, added by the test."), "example": "无",
        "member": "string", "name": name, "required": required, "type": "string"
    })
}

#[test]
fn the_report_marks_breaking_changes_and_check_notices_them() {
    let c = Copies::new();
    let o = c.import(true);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("no changes against"), "{}", stdout(&o));

    c.edit_api(|api| {
        request_members(api, "AddTeamMember").retain(|m| m["name"] != "TeamId");
        let m = member(api, "CreateTeam", "PlatformId");
        assert_eq!(
            (&m["type"], &m["member"]),
            (&json!("string"), &json!("string"))
        );
        m["type"] = json!("int");
        m["member"] = json!("int64");
        let m = member(api, "CreateApplication", "Remark");
        assert_eq!(m["required"], json!(false));
        m["required"] = json!(true);
        request_members(api, "DeleteMNP").push(new_member("Reason", true));
        request_members(api, "DescribeMNPList").push(new_member("PageToken", false));
    });
    let expected = [
        "BREAKING AddTeamMember.request.TeamId removed",
        "BREAKING CreateApplication.request.Remark is now required",
        "BREAKING CreateTeam.request.PlatformId retyped: string/string -> int/int64",
        "BREAKING DeleteMNP.request.Reason added, required",
        "DescribeMNPList.request.PageToken added",
    ];
    let committed = fs::read_to_string(&c.spec).unwrap();

    // --check reports the same changes, fails, and writes nothing.
    let o = c.import(true);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        stderr(&o).contains("run `cargo xtask import`"),
        "{}",
        stderr(&o)
    );
    let mut lines = change_lines(&out);
    lines.sort();
    assert_eq!(lines, expected, "{out}");
    assert_eq!(fs::read_to_string(&c.spec).unwrap(), committed);

    // Without --check: the same report, and the spec is rewritten.
    let o = c.import(false);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("(4 breaking):"), "{out}");
    let mut lines = change_lines(&out);
    lines.sort();
    assert_eq!(lines, expected, "{out}");
    assert!(
        !out.contains("BREAKING DescribeMNPList"),
        "an added optional member breaks nothing: {out}"
    );
    let spec: Value = serde_json::from_str(&fs::read_to_string(&c.spec).unwrap()).unwrap();
    let names = |a: &str| -> Vec<String> {
        spec["actions"][a]["request"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!names("AddTeamMember").contains(&"TeamId".to_owned()));
    assert!(names("DescribeMNPList").contains(&"PageToken".to_owned()));

    // Now the spec is what the copies give.
    let o = c.import(true);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("no changes against"), "{}", stdout(&o));
}

#[test]
fn a_new_upstream_action_reaches_the_generated_client() {
    let c = Copies::new();
    c.edit_api(|api| {
        api["actions"]["DescribeWidgets"] = json!({
            "document": "This API is used to list widgets.",
            "input": "DescribeWidgetsRequest",
            "name": "Lists widgets",
            "output": "DescribeWidgetsResponse",
            "status": "online"
        });
        let objects = api["objects"].as_object_mut().unwrap();
        objects.insert("DescribeWidgetsRequest".into(), json!({
            "document": "DescribeWidgets request structure.",
            "members": [
                {"disabled": false, "document": "Widget ID", "example": "w-1", "member": "string",
                 "name": "WidgetId", "required": true, "type": "string"},
                {"disabled": false, "document": "Page size", "example": "无", "member": "int64",
                 "name": "Limit", "required": false, "type": "int"}
            ],
            "type": "object"
        }));
        objects.insert("DescribeWidgetsResponse".into(), json!({
            "document": "DescribeWidgets response structure.",
            "members": [
                {"disabled": false, "document": "The widgets", "example": "无", "member": "Widget",
                 "name": "Widgets", "output_required": true, "type": "list", "value_allowed_null": false},
                {"document": "The unique request ID.", "member": "string", "name": "RequestId", "type": "string"}
            ],
            "type": "object"
        }));
        objects.insert("Widget".into(), json!({
            "document": "A widget.",
            "members": [
                {"disabled": false, "document": "Its name", "example": "knob", "member": "string",
                 "name": "Name", "output_required": true, "type": "string", "value_allowed_null": false}
            ],
            "type": "object"
        }));
    });
    edit_json(&c.examples, |ex| {
        ex["actions"]["DescribeWidgets"] = json!([{
            "document": "",
            "input": "POST / HTTP/1.1\nHost: tcmpp.tencentcloudapi.com\nContent-Type: application/json\nX-TC-Action: DescribeWidgets\n<Common request parameters>\n\n{\n    \"WidgetId\": \"w-1\"\n}",
            "output": "{\n    \"Response\": {\n        \"Widgets\": [{\"Name\": \"knob\"}],\n        \"RequestId\": \"5a1b\"\n    }\n}",
            "title": "Lists widgets"
        }]);
    });

    let o = c.import(false);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    let mut lines = change_lines(&out);
    lines.sort();
    assert_eq!(
        lines,
        ["action DescribeWidgets added", "object Widget added"],
        "{out}"
    );
    assert!(out.contains("(0 breaking):"), "{out}");
    assert!(!out.contains("DescribeWidgets example"), "no notes: {out}");

    let gen_dir = c.root.join("generated");
    let o = xtask(&[
        "codegen",
        "--spec",
        c.spec.to_str().unwrap(),
        "--out",
        gen_dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));

    // Whitespace-free, so the checks do not depend on line breaks.
    let squeeze = |name: &str| -> String {
        fs::read_to_string(gen_dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .split_whitespace()
            .collect::<String>()
            .replace(",)", ")")
    };
    let module = squeeze("actions/describe_widgets.rs");
    assert!(
        module.contains("constACTION:&'staticstr=\"DescribeWidgets\";"),
        "{module}"
    );
    assert!(module.contains("pubwidgets:Option<Vec<super::super::models::Widget>>"));
    let models = squeeze("models.rs");
    assert!(models.contains("pubstructWidget{"));
    assert!(squeeze("actions/mod.rs").contains("pubmoddescribe_widgets;"));
    assert!(
        squeeze("client.rs").contains(
            "pubfndescribe_widgets(&self)->super::actions::describe_widgets::DescribeWidgetsRequest"
        ),
        "no Client method"
    );
    let m = squeeze("service.rs");
    // The OPERATIONS entry, which the mock and the CLI's `call`/`actions` read.
    let start = m
        .find("action:\"DescribeWidgets\"")
        .expect("no OPERATIONS entry");
    let entry = &m[start..];
    let entry = &entry[..entry
        .find("::tencentcloud_runtime::operation::OperationInfo{")
        .or_else(|| entry.find("];"))
        .unwrap()];
    for want in [
        "name:\"WidgetId\",required:true,ty:::tencentcloud_runtime::operation::ParamType::String",
        "name:\"Limit\",required:false,ty:::tencentcloud_runtime::operation::ParamType::Int64",
        r#"example_request:Some("{\"WidgetId\":\"w-1\"}")"#,
        r#"example_response:Some("{\"Response\":{\"RequestId\":\"5a1b\",\"Widgets\":[{\"Name\":\"knob\"}]}}")"#,
    ] {
        assert!(entry.contains(want), "{want} not in {entry}");
    }

    // Every other action's module is what the committed spec gives (the
    // preamble, which names the spec file, aside).
    let committed = workspace_root().join("tcmpp-api/src/generated");
    let body = |p: &Path| -> String {
        let text = fs::read_to_string(p).unwrap();
        text.lines().skip(2).collect::<Vec<_>>().join("\n")
    };
    let mut same = 0;
    let names = ["", "actions/"].into_iter().flat_map(|sub| {
        fs::read_dir(committed.join(sub))
            .unwrap()
            .map(move |e| format!("{sub}{}", e.unwrap().file_name().into_string().unwrap()))
    });
    for name in names {
        // What lists actions, and the new action's own module, differ.
        let differs = [
            "actions",
            "actions/mod.rs",
            "client.rs",
            "service.rs",
            "models.rs",
            "unset.rs",
        ];
        if differs.contains(&name.as_str()) || !name.ends_with(".rs") {
            continue;
        }
        assert_eq!(
            body(&gen_dir.join(&name)),
            body(&committed.join(&name)),
            "{name}"
        );
        same += 1;
    }
    assert_eq!(same, 106, "104 action modules, mod.rs and errors.rs");
}
