#[path = "../src/codegen.rs"]
#[allow(dead_code)]
mod codegen;
use std::fs;
fn generate_one(s: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("p")).unwrap();
    fs::write(dir.path().join("p/a.json"), s).unwrap();
    match codegen::generate(dir.path()) {
        Ok(g) => g[0].code.clone(),
        Err(e) => format!("ERR {e}"),
    }
}
#[test]
fn explore() {
    for s in [
        //  r#"{"title":"T","type":"object","properties":{"a":{"type":"string"},"b":{"type":["string","null"]},"c":{"type":["string","null"]},"d":{"type":"boolean"}},"required":["a","c","d"]}"#,
        //  r#"{"title":"T","type":["object","null"],"properties":{"a":{"type":"string"}}}"#,
        r#"{"title":"T","type":"object","properties":{"if":{"type":"string"},"$ref":{"type":"string"},"type":{"type":"string"},"Type":{"type":"string"},"self":{"type":"string"},"Self":{"type":"string"},"null":{"type":"string"},"NULL":{"type":"string"}}}"#,
        r#"{"title":"T","type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer","minimum":0},"c":{"type":"integer","format":"uint64"},"d":{"type":"string","enum":["x","y"]}, "e":{"type":"array","items":{"type":"string"}}, "f":{"type":["array","null"],"items":{"type":"string"}}}}"#,
        r##"{"title":"T","type":"object","properties":{"a":{"type":"integer"},"x":{"$ref":"#/definitions/FlexInt"}},"definitions":{"FlexInt":{"type":["integer","number","string","null"]}},"required":["x"]}"##,
        r#"{"title":"T","type":"object","properties":{"x-y":{"type":"string"},"x_y":{"type":"string"},"_":{"type":"string"},"1a":{"type":"string"},"":{"type":"string"},"é":{"type":"string"}}}"#,
    ] {
        println!("=====\n{}", generate_one(s));
    }
}
