// The profile is read through the same endpoint the onboarding wizard uses.
export { fetchProfile } from '../onboarding/api';
