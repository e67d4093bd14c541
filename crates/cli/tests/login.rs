//! `osimages login` / `logout` against the emulator's local authority (`serve --authority`): the device-code prompt
//! on stderr, the user's answers scripted as authority faults (pending, slow_down, expired, denied), the refresh
//! token kept in the config directory with mode 0600 and used by a later process without a prompt, a cache others
//! can read refused, and logout. HOME and XDG_CONFIG_HOME point at a temporary directory; nothing here reaches a
//! Microsoft endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use support::{Emulator, osimages};

const CLIENT_ID: &str = "admin-public-client";
const TENANT: &str = "contoso.example";
const PROMPT: &str = "enter the code";

/// A user with their own config directory, signing in against `emulator`.
struct User {
    home: tempfile::TempDir,
    authority: String,
    base_url: String,
}

impl User {
    fn new(emulator: &Emulator) -> User {
        User {
            home: tempfile::tempdir().unwrap(),
            authority: emulator.origin(),
            base_url: emulator.base_url.clone(),
        }
    }

    fn osimages(&self) -> assert_cmd::Command {
        let mut cmd = osimages();
        cmd.env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("AZURE_AUTHORITY_HOST", &self.authority)
            .args(["--tenant", TENANT])
            .timeout(std::time::Duration::from_secs(120));
        cmd
    }

    fn login(&self) -> assert_cmd::Command {
        let mut cmd = self.osimages();
        cmd.args(["--client-id", CLIENT_ID, "login"]);
        cmd
    }

    fn count(&self) -> assert_cmd::Command {
        let mut cmd = self.osimages();
        cmd.args(["--base-url", &self.base_url, "count"]);
        cmd
    }

    fn tokens_dir(&self) -> PathBuf {
        self.home
            .path()
            .join("config")
            .join("osimages")
            .join("tokens")
    }

    /// The files kept in the token directory.
    fn kept(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.tokens_dir()) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }

    fn refresh_token(&self) -> String {
        let files = self.kept();
        assert_eq!(files.len(), 1, "{files:?}");
        let stored: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
        assert_eq!(stored["client_id"], CLIENT_ID);
        assert_eq!(stored["tenant"], TENANT);
        stored["refresh_token"].as_str().unwrap().to_owned()
    }
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn login_prompts_on_stderr_keeps_a_private_refresh_token_and_a_later_run_uses_it_without_a_prompt()
{
    let emulator = Emulator::start(&["--authority", "--authority-interval", "0"]);
    let user = User::new(&emulator);
    let login = user.login().assert().success().stdout("");
    let stderr = stderr_of(&login);
    assert!(stderr.contains(PROMPT), "{stderr}");
    assert!(stderr.contains("/devicelogin"), "{stderr}");
    assert!(stderr.contains("signed in"), "{stderr}");
    let first = user.refresh_token();
    assert!(!stderr.contains(&first), "{stderr}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&user.kept()[0]), 0o600);
        assert_eq!(mode(&user.tokens_dir()), 0o700);
    }

    // A second process: no client id given, one sign-in kept for this tenant, used silently; Graph takes its token,
    // and the refreshed refresh token replaces the old one.
    let later = user.count().assert().success().stdout("7\n");
    let stderr = stderr_of(&later);
    assert!(!stderr.contains(PROMPT), "{stderr}");
    assert!(!stderr.contains("sample tenant"), "{stderr}");
    let second = user.refresh_token();
    assert_ne!(first, second);
    assert!(!stderr.contains(&second), "{stderr}");

    // --auth device-code uses the kept sign-in too, without asking.
    let asked = user
        .count()
        .args(["--auth", "device-code", "--client-id", CLIENT_ID])
        .assert()
        .success()
        .stdout("7\n");
    assert!(!stderr_of(&asked).contains(PROMPT));
}

#[test]
fn pending_and_slow_down_keep_polling_until_the_user_approves() {
    let emulator = Emulator::start(&["--authority", "--authority-interval", "0"]);
    emulator.post_faults(
        r#"[{"kind": "authority", "error": "authorization_pending", "times": 2},
            {"kind": "authority", "error": "slow_down"}]"#,
    );
    let user = User::new(&emulator);
    let started = std::time::Instant::now();
    let login = user.login().assert().success();
    // After slow_down the interval is 5 s longer (RFC 8628), so the sign-in took at least that.
    assert!(started.elapsed() >= std::time::Duration::from_secs(5));
    assert_eq!(stderr_of(&login).matches(PROMPT).count(), 1);
    assert_eq!(user.kept().len(), 1);
}

#[test]
fn expired_and_declined_sign_ins_are_exit_2_with_a_clear_message_and_keep_nothing() {
    for (error, says) in [
        ("expired_token", "the code expired"),
        ("access_denied", "declined"),
    ] {
        let emulator = Emulator::start(&["--authority", "--authority-interval", "0"]);
        emulator.post_faults(&format!(r#"{{"kind": "authority", "error": "{error}"}}"#));
        let user = User::new(&emulator);
        let failed = user.login().assert().code(2);
        let stderr = stderr_of(&failed);
        assert!(stderr.contains(says), "{error}: {stderr}");
        assert!(stderr.contains(error), "{stderr}");
        assert!(!stderr.contains("local-dc."), "{stderr}");
        assert!(user.kept().is_empty());
    }
}

#[cfg(unix)]
#[test]
fn a_cache_others_can_read_is_refused_naming_the_file_not_the_token() {
    use std::os::unix::fs::PermissionsExt;

    let emulator = Emulator::start(&["--authority", "--authority-interval", "0"]);
    let user = User::new(&emulator);
    user.login().assert().success();
    let refresh = user.refresh_token();
    let file = user.kept().remove(0);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = user.count().assert().code(2);
    let stderr = stderr_of(&refused);
    assert!(stderr.contains("0644"), "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains("logout"), "{stderr}");
    assert!(!stderr.contains(&refresh), "{stderr}");
}

#[test]
fn logout_removes_the_kept_sign_in_and_says_what_it_removed() {
    let emulator = Emulator::start(&["--authority", "--authority-interval", "0"]);
    let user = User::new(&emulator);
    user.login().assert().success();
    let file = user.kept().remove(0);
    let logout = user.osimages().arg("logout").assert().success();
    let stderr = stderr_of(&logout);
    assert!(stderr.contains("removed"), "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(!file.exists());

    let again = user.osimages().arg("logout").assert().success();
    assert!(stderr_of(&again).contains("nothing to remove"));
    // Without the kept sign-in, auto has no source: the emulator refuses a request without its token.
    user.count().assert().code(4);
}

#[test]
fn login_without_a_client_id_says_where_to_give_one() {
    let failed = osimages()
        .env("XDG_CONFIG_HOME", tempfile::tempdir().unwrap().path())
        .arg("login")
        .assert()
        .code(2);
    let stderr = stderr_of(&failed);
    assert!(stderr.contains("--client-id"), "{stderr}");
    assert!(stderr.contains("OSIMAGES_CLIENT_ID"), "{stderr}");
}
