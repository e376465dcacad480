//! `Settings::from_json` and `Compiled::from_bytes` on any bytes: never a panic; settings that
//! parse give a public-values layout and an instance count.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkonnx::model::Compiled;
use zkonnx::settings::Settings;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = Settings::from_json(data) {
        let l = zkonnx::publics::layout(&s);
        let n = s.num_instances();
        assert_eq!(n, l.num_instances());
        let _ = l.digest_bytes();
    }
    if let Ok(c) = Compiled::from_bytes(data) {
        let _ = zkonnx::publics::layout(&c.settings);
        let _ = c.settings.num_instances();
    }
});
