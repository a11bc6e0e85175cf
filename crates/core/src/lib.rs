//! Domain types of fallout: what scanners find (`Fact`), how strongly
//! (`Evidence`), what a change asks (`Change`) and what it does to each
//! consumer (`Verdict`). No IO, no async: every other crate speaks these.

pub mod change;
pub mod diagnostic;
pub mod endpoint;
pub mod evidence;
pub mod fact;
pub mod model;

pub use change::{Change, ChangeError, Setting, TlsMode};
pub use diagnostic::{Diagnostic, Severity};
pub use endpoint::{Endpoint, Scheme, Tls};
pub use evidence::{Evidence, Origin, Strength};
pub use fact::{
    ClientObservation, ConsumerId, ConsumerKind, Credential, Fact, Hint, HintTarget, PodAddress,
    RedisServer, Reference, SampledServer, Scope, Service, ServiceBackends, ServicePort, Workload,
};
pub use model::{Approval, Consumer, Inventory, Link, Resource, Verdict};
