//! TLS for `rediss://`: the trust roots (`--redis-ca` or the system's), an
//! optional client certificate, hostname verification unless
//! `--redis-insecure`, and handshake failures told in the user's terms.

use crate::error::LiveError;
use crate::options::RedisOptions;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::ring;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::Path;
use std::sync::Arc;

/// What every `rediss://` connection of a run shares: the rustls
/// configuration, and the `--redis-ca` file it trusts (for messages).
pub(crate) struct TlsSetup {
    pub config: Arc<ClientConfig>,
    pub ca_file: Option<String>,
}

pub(crate) fn setup(opts: &RedisOptions) -> Result<TlsSetup, LiveError> {
    Ok(TlsSetup {
        config: client_config(opts)?,
        ca_file: opts.ca_file.as_ref().map(|p| p.display().to_string()),
    })
}

/// The client configuration every `rediss://` connection of a run shares.
fn client_config(opts: &RedisOptions) -> Result<Arc<ClientConfig>, LiveError> {
    let provider = Arc::new(ring::default_provider());
    let roots = Arc::new(roots(opts.ca_file.as_deref())?);
    let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| LiveError::TlsFile {
            path: display(opts.ca_file.as_deref()),
            reason: format!("no usable CA certificate: {e}"),
        })?;
    let verifier: Arc<dyn ServerCertVerifier> = if opts.insecure {
        Arc::new(AnyHostName(webpki))
    } else {
        webpki
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LiveError::TlsFile {
            path: "TLS".into(),
            reason: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match (&opts.client_cert, &opts.client_key) {
        (None, None) => builder.with_no_client_auth(),
        (Some(cert), Some(key)) => {
            let chain = certificates(cert)?;
            let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| LiveError::TlsFile {
                path: key.display().to_string(),
                reason: format!("cannot read a PEM private key: {e}"),
            })?;
            builder
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| LiveError::TlsFile {
                    path: cert.display().to_string(),
                    reason: if format!("{e:?}").contains("UnsupportedCertVersion") {
                        // `openssl x509 -req` without extensions makes one.
                        "an X.509 version 1 certificate, which TLS 1.2/1.3 clients here refuse: make it version 3 (`openssl x509 -req … -extfile <(printf 'basicConstraints=CA:FALSE')`, or `openssl req -x509` with `-addext`)".to_string()
                    } else {
                        format!("the certificate and key do not go together: {e}")
                    },
                })?
        }
        (Some(path), None) | (None, Some(path)) => {
            return Err(LiveError::TlsFile {
                path: path.display().to_string(),
                reason: "a client certificate needs its key and the key its certificate: give both --redis-cert and --redis-key".into(),
            })
        }
    };
    Ok(Arc::new(config))
}

fn display(path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string())
        .unwrap_or_else(|| "system trust store".into())
}

fn roots(ca_file: Option<&Path>) -> Result<RootCertStore, LiveError> {
    let mut store = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            for cert in certificates(path)? {
                store.add(cert).map_err(|e| LiveError::TlsFile {
                    path: path.display().to_string(),
                    reason: format!("not a usable CA certificate: {e}"),
                })?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // A system store may hold a certificate rustls rejects; the others still count.
                let _ = store.add(cert);
            }
        }
    }
    Ok(store)
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, LiveError> {
    let err = |reason: String| LiveError::TlsFile {
        path: path.display().to_string(),
        reason,
    };
    let iter = CertificateDer::pem_file_iter(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let certs = iter
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(err("no PEM certificate in the file".into()));
    }
    Ok(certs)
}

/// `--redis-insecure`: the chain must still lead to a trusted CA, but the
/// certificate need not name the host (servers reached by IP, or by a name
/// the certificate does not list).
#[derive(Debug)]
struct AnyHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Why a handshake failed, for a person: the cause and what to do.
/// `ca_file`: the `--redis-ca` file given, if any.
pub(crate) fn explain(err: &rustls::Error, host: &str, ca_file: Option<&str>) -> String {
    use rustls::AlertDescription as A;
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => match ca_file {
                Some(ca) => format!("the server's certificate is not signed by a trusted CA: the CA given with --redis-ca ({ca}) did not sign it; give the CA that signed the server's certificate"),
                None => "the server's certificate is not signed by a trusted CA (give the CA with --redis-ca FILE)".into(),
            },
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => format!(
                "the server's certificate is not valid for `{host}` (connect by a name the certificate lists, or turn hostname verification off with --redis-insecure)"
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the server's certificate has expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet (check the clocks)".into()
            }
            CertificateError::Revoked => "the server's certificate has been revoked".into(),
            other => format!("the server's certificate was rejected: {other:?}"),
        },
        rustls::Error::AlertReceived(alert) => match alert {
            A::CertificateRequired | A::HandshakeFailure | A::BadCertificate | A::UnknownCA | A::CertificateUnknown => format!(
                "the server refused the handshake ({alert:?}); it may require a client certificate it trusts (--redis-cert and --redis-key)"
            ),
            other => format!("the server sent the alert {other:?}"),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } | rustls::Error::InappropriateHandshakeMessage { .. } => {
            "the server did not answer in TLS (is this the plain port? use redis:// for it)".into()
        }
        rustls::Error::NoCertificatesPresented => "the server presented no certificate".into(),
        other => other.to_string(),
    }
}

/// The rustls error somewhere in an error's source chain.
pub(crate) fn find_rustls_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(found) = inner.downcast_ref::<rustls::Error>() {
                    return Some(found);
                }
            }
        }
        current = e.source();
    }
    None
}
