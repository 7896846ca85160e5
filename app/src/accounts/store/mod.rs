//! SQL for accounts: the only place their tables are queried, in five files by what they
//! store — sign-in codes and their limits (`codes`), sessions (`sessions`), people and roles
//! (`users`), volunteering, verification and teams (`volunteers`), notices (`notices`).
//! Every limit is decided by one conditional statement, so that concurrent requests on any
//! number of server processes cannot slip past it. The audit trail is `crate::audit`.

mod codes;
mod notices;
mod sessions;
mod users;
mod volunteers;

pub use codes::*;
pub use notices::*;
pub use sessions::*;
pub use users::*;
pub use volunteers::*;
