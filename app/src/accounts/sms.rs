//! Sending text messages. The code never depends on a provider: it sees [`SmsSender`].
//!
//! - [`ConsoleSender`] (development): prints the message on the server's console (and,
//!   when `LINLI_SMS_CONSOLE_FILE` is set, appends it to that file for end-to-end
//!   tests). It never goes to the structured log.
//! - [`WebhookSender`] (production): POSTs JSON to a configured URL with a timeout and
//!   retries, so that any SMS gateway can sit behind a small adapter.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::time::Duration;

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("短信发送失败：{0}")]
    Failed(String),
}

/// One message to one mobile number. `purpose` names the template (`login_code`,
/// `booking_reminder`, …) for gateways that need one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sms<'a> {
    pub phone: &'a str,
    pub purpose: &'a str,
    pub text: &'a str,
}

pub trait SmsSender: Send + Sync + std::fmt::Debug {
    fn send<'a>(&'a self, sms: Sms<'a>) -> SendFuture<'a>;
}

#[derive(Debug, Default)]
pub struct ConsoleSender {
    pub file: Option<std::path::PathBuf>,
}

impl SmsSender for ConsoleSender {
    fn send<'a>(&'a self, sms: Sms<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            // Each message is one whole line, written by one call under a lock, so that
            // messages sent at the same time never interleave (a text may hold newlines:
            // they are escaped).
            let line = format!(
                "[短信·开发] 发往 {}（{}）：{}\n",
                sms.phone,
                sms.purpose,
                sms.text.replace('\n', "\\n")
            );
            static WRITE: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _guard = WRITE.lock().unwrap_or_else(|p| p.into_inner());
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
            if let Some(path) = &self.file {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| SmsError::Failed(e.to_string()))?;
                let json = serde_json::json!({ "phone": sms.phone, "purpose": sms.purpose, "text": sms.text });
                f.write_all(format!("{json}\n").as_bytes())
                    .map_err(|e| SmsError::Failed(e.to_string()))?;
            }
            tracing::info!(purpose = sms.purpose, "sms written to console");
            Ok(())
        })
    }
}

#[derive(Debug)]
pub struct WebhookSender {
    client: reqwest::Client,
    url: String,
    attempts: u32,
    backoff: Duration,
}

impl WebhookSender {
    pub fn new(url: String, timeout: Duration, attempts: u32) -> Result<Self, SmsError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| SmsError::Failed(e.to_string()))?;
        Ok(WebhookSender {
            client,
            url,
            attempts: attempts.max(1),
            backoff: Duration::from_millis(200),
        })
    }
}

impl SmsSender for WebhookSender {
    fn send<'a>(&'a self, sms: Sms<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let mut last = String::new();
            for attempt in 0..self.attempts {
                if attempt > 0 {
                    tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1)).await;
                }
                match self.client.post(&self.url).json(&sms).send().await {
                    Ok(r) if r.status().is_success() => {
                        tracing::info!(purpose = sms.purpose, attempt, "sms accepted by webhook");
                        return Ok(());
                    }
                    // A 4xx will not get better by retrying.
                    Ok(r) if r.status().is_client_error() => {
                        return Err(SmsError::Failed(format!("网关拒绝：HTTP {}", r.status())));
                    }
                    Ok(r) => last = format!("HTTP {}", r.status()),
                    Err(e) => {
                        last = if e.is_timeout() {
                            "超时".into()
                        } else {
                            "连接失败".into()
                        }
                    }
                }
                tracing::warn!(purpose = sms.purpose, attempt, error = %last, "sms webhook failed");
            }
            Err(SmsError::Failed(last))
        })
    }
}
