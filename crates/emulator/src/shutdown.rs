//! Waiting for the signal to stop: SIGINT (Ctrl-C) and SIGTERM (what `kill`, systemd and container runtimes send).
//!
//! The handlers are installed before the emulator says it is listening, so a supervisor that sends SIGTERM as soon
//! as it has read the first line gets a clean shutdown rather than the default action (death by signal).

/// Installed signal handlers; [`Signals::wait`] completes when one fires.
#[derive(Debug)]
pub(crate) struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Installs the handlers. One that cannot be installed is logged and not waited for.
    #[cfg(unix)]
    pub(crate) fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "osimages serve: cannot listen for {name}");
                None
            }
        };
        Signals {
            interrupt: install(SignalKind::interrupt(), "SIGINT"),
            terminate: install(SignalKind::terminate(), "SIGTERM"),
        }
    }

    /// Installs the handlers (Ctrl-C is listened for when waiting starts).
    #[cfg(not(unix))]
    pub(crate) fn install() -> Self {
        Signals {}
    }

    /// Completes when the process is asked to stop.
    #[cfg(unix)]
    pub(crate) async fn wait(self) {
        async fn next(signal: Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(mut s) => {
                    if s.recv().await.is_none() {
                        std::future::pending::<()>().await;
                    }
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            () = next(self.interrupt) => tracing::info!("osimages serve: interrupted; shutting down"),
            () = next(self.terminate) => tracing::info!("osimages serve: terminated; shutting down"),
        }
    }

    /// Completes when the process is asked to stop.
    #[cfg(not(unix))]
    pub(crate) async fn wait(self) {
        match tokio::signal::ctrl_c().await {
            Ok(()) => tracing::info!("osimages serve: interrupted; shutting down"),
            Err(e) => {
                tracing::warn!(error = %e, "osimages serve: cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    }
}
