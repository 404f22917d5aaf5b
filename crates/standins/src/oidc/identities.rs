//! The stand-in's fixed staff identities: who can sign in to the staff console in
//! local mode, and which groups each one carries.

use crate::OidcClient;

/// What an identity's groups make of it in the staff console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Moderator,
    Admin,
    /// No group: the console must refuse them.
    None,
}

#[derive(Debug)]
pub struct StaffIdentity {
    /// The `sub` claim.
    pub sub: &'static str,
    /// The `name` claim, as shown on the sign-in page.
    pub name: &'static str,
    pub email: &'static str,
    pub role: Role,
}

pub const IDENTITIES: [StaffIdentity; 3] = [
    StaffIdentity {
        sub: "staff-moderator", name: "审核员 李娜", email: "li.na@yujie.example", role: Role::Moderator
    },
    StaffIdentity {
        sub: "staff-admin", name: "管理员 王强", email: "wang.qiang@yujie.example", role: Role::Admin
    },
    StaffIdentity { sub: "staff-norole", name: "实习生 张伟", email: "zhang.wei@yujie.example", role: Role::None },
];

pub fn find(sub: &str) -> Option<&'static StaffIdentity> {
    IDENTITIES.iter().find(|identity| identity.sub == sub)
}

impl StaffIdentity {
    /// The values of the roles claim (`roles_claim`), from the configured group values.
    pub fn groups(&self, config: &OidcClient) -> Vec<String> {
        match self.role {
            Role::Moderator => config.moderator_values.clone(),
            Role::Admin => config.admin_values.clone(),
            Role::None => Vec::new(),
        }
    }

    /// The claims the ID token and the userinfo endpoint share.
    pub fn claims(&self, config: &OidcClient) -> serde_json::Value {
        let mut claims = serde_json::json!({
            "sub": self.sub,
            "name": self.name,
            "email": self.email,
            "email_verified": true,
        });
        claims[config.roles_claim.as_str()] = serde_json::json!(self.groups(config));
        claims
    }
}
