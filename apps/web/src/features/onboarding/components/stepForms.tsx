import type { OnboardingStep } from '@studymate/contracts';
import type { ComponentType } from 'react';
import { BasicStepForm } from './BasicStepForm';
import { InterestsStepForm } from './InterestsStepForm';
import { LanguagesStepForm } from './LanguagesStepForm';
import { PartnerStepForm } from './PartnerStepForm';
import { ScheduleStepForm } from './ScheduleStepForm';
import type { StepFormProps } from './StepFormProps';

/** The one form per step, shared by the wizard and the profile page. */
export const STEP_FORMS: { [S in OnboardingStep]: ComponentType<StepFormProps<S>> } = {
  basic: BasicStepForm,
  languages: LanguagesStepForm,
  interests: InterestsStepForm,
  partner: PartnerStepForm,
  schedule: ScheduleStepForm,
};
