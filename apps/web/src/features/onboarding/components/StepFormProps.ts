import type { OnboardingStatus, OnboardingStep, Profile, StepBodies } from '@studymate/contracts';

/** Each step form is used by the wizard and by the profile page's "edit" sections. */
export interface StepFormProps<S extends OnboardingStep> {
  initial: StepBodies[S] | null;
  profile: Profile;
  submitLabel: string;
  onSaved: (status: OnboardingStatus, body: StepBodies[S]) => void;
  onBack?: () => void;
  backLabel?: string;
  /** On the profile page the photo has its own control in the header. */
  hidePhoto?: boolean;
}
